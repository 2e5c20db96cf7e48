/** In-memory SmppCredentialStore for tests. */
import { SmsguardError } from '../../../src/domain/errors.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../../src/ports/smpp-credentials.js';
import { SmppCredentials } from '../../../src/smpp/server/index.js';

export class MemoryCredentials implements SmppCredentialStore {
  readonly rows: SmppCredentialRow[] = [];
  async addSmppCredential(row: SmppCredentialRow): Promise<void> {
    if (this.rows.some((r) => r.systemId === row.systemId && r.revokedAt === null)) throw new SmsguardError('conflict', 'taken', {}, 'systemId');
    this.rows.push(row);
  }
  async findSmppCredential(systemId: string): Promise<SmppCredentialRow | null> {
    return this.rows.find((r) => r.systemId === systemId && r.revokedAt === null) ?? null;
  }
  async listSmppCredentials(cp: string): Promise<SmppCredentialRow[]> {
    return this.rows.filter((r) => r.contentProviderId === cp);
  }
  async revokeSmppCredential(cp: string, systemId: string, at: number): Promise<SmppCredentialRow | null> {
    const mine = this.rows.filter((r) => r.contentProviderId === cp && r.systemId === systemId);
    const live = mine.find((r) => r.revokedAt === null);
    if (live) {
      live.revokedAt = at;
      return { ...live };
    }
    return mine.sort((a, b) => (b.revokedAt ?? 0) - (a.revokedAt ?? 0))[0] ?? null;
  }
  async liveSmppCredentialIds(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.rows.some((r) => r.id === id && r.revokedAt === null)));
  }
}

/**
 * SMPP credentials over {@link MemoryCredentials} for the tests of the SMPP doors: every provider id
 * starting `cp_` exists, ids `cred_1`, `cred_2`, …, the wall clock.
 */
export function memorySmppCredentials(store: SmppCredentialStore = new MemoryCredentials()): SmppCredentials {
  let id = 0;
  return new SmppCredentials({ store, contentProviderExists: async (x) => x.startsWith('cp_'), now: () => Date.now(), newId: () => `cred_${++id}` });
}
