/**
 * The public doors' per-address counts when the store does not answer (src/app/complaint-service.ts):
 * the complaint door fails open to this process's own count (the law requires the channel: a
 * complainant is not turned away, and the limit still holds per process), told once per outage; the
 * status lookup fails closed (the store's error, no answer: an uncounted miss is an unbounded guess).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { installComplaints } from '../../../src/app/complaint-service.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { MemoryAddressLimits } from '../../../src/runtime/address-counts.js';
import type { AddressLimitStore } from '../../../src/ports/address-limits.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

/** Counts in memory, or throws what an unreachable PostgreSQL throws while `down`. */
class Flaky implements AddressLimitStore {
  down = false;
  readonly inner = new MemoryAddressLimits();
  private check(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  async hit(l: string, a: string, s: number, e: number) { this.check(); return this.inner.hit(l, a, s, e); }
  async count(l: string, a: string, s: number) { this.check(); return this.inner.count(l, a, s); }
  async prune(now: number) { this.check(); return this.inner.prune(now); }
}

const PUBLIC = { role: 'public', actorId: 'public' } as const;

test('store out of reach: complaints still filed, limited per process and told once; the status lookup answers nothing; back: shared counts again', async () => {
  const store = new SqliteStore(':memory:');
  const flaky = new Flaky();
  (store as unknown as { addressLimits: AddressLimitStore }).addressLimits = flaky;
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
  const told: string[] = [];
  app.events.on('workerError', (e) => told.push(e.where));
  const svc = installComplaints(app, { publicPerMinute: 2, statusFailures: 3 });
  try {
    const file = (ip: string) => svc.fileComplaint(PUBLIC, { msisdn: '13800138021', text: '垃圾短信' }, 'api', ip);
    const first = await file('10.0.0.1');
    const accessCode = first.accessCode!;
    // a minute's window that will not end within the test
    if (60_000 - (Date.now() % 60_000) < 5_000) await new Promise((r) => setTimeout(r, 5_100));

    flaky.down = true;
    await file('10.0.0.2');
    await file('10.0.0.2');
    await assert.rejects(file('10.0.0.2'), (e: unknown) => e instanceof SmsguardError && e.code === 'throttled' && e.ref?.rule === 'complaints.public-intake');
    await file('10.0.0.3');
    assert.deepEqual(told, ['complaints.public-intake'], 'told once per outage');

    for (const code of [accessCode, '00000000']) {
      await assert.rejects(svc.publicStatus(first.reference, code, '10.0.0.4'), /ECONNREFUSED/, 'fails closed: no answer, right or wrong code');
    }
    await assert.rejects(svc.withdraw(first.reference, { accessCode: '00000000' }, '10.0.0.4'), /ECONNREFUSED/);

    flaky.down = false;
    assert.equal((await svc.publicStatus(first.reference, accessCode, '10.0.0.4')).reference, first.reference);
    await file('10.0.0.2');
    // counted in the store again: what the outage counted in memory stays there
    assert.equal(await flaky.inner.count('complaints.public-intake', '10.0.0.2', Date.now() - (Date.now() % 60_000)), 1);
    flaky.down = true;
    await file('10.0.0.5');
    assert.deepEqual(told, ['complaints.public-intake', 'complaints.public-intake'], 'a second outage is told again');
  } finally {
    await svc.stop();
    await store.close();
  }
});
