/**
 * A receipt kept in the deliveries' store and claimed by one gateway process must not reach the
 * provider twice when that process's receiver is slow (docs/SMPP.md, "A claimed row and its lease").
 * The claim leases the row for 60 s and nothing renews it; here new receipts fill the receiver's
 * window while the claim is out, and the ESME answers none of them. Before, the claimed row was
 * queued behind them in the session, written only as the window freed (two slots per 10 s response
 * timeout), long after its lease had run out and the other process had claimed it and delivered it:
 * the provider got it twice. Now a claimed row no session can write at once goes back to the store.
 * Two processes on one PostgreSQL schema; the servers' clock runs ~40× fast so minutes pass in seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { Tag, tlvString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { SmppDeliveryStore } from '../../../src/ports/smpp-deliveries.js';
import type { AppEvents } from '../../../src/app/types.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { until } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
const idOf = (p: SmPdu) => tlvString(p.tlvs, Tag.receipted_message_id);

function receipt(id: string): AppEvents['messageStatus'] {
  const t = Date.now();
  return { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138001', submittedAt: t - 1000, registeredDelivery: true, text: 'hello' };
}

async function gateway(deliveries: SmppDeliveryStore, app: FakeApp, now: () => number): Promise<{ server: SmppServer; port: number }> {
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${Math.random()}` });
  await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  // a window of 2: two unanswered deliver_sm fill it, the rest queue in the session
  const server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', deliveries, now, session: { windowSize: 2 } });
  return { server, port: await server.listen(0, '127.0.0.1') };
}

const receiver = (port: number, onDeliver: (p: SmPdu) => number | Promise<number>) =>
  SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (p) => onDeliver(p as SmPdu) });

test('a claimed receipt that cannot be written at once goes back to the store: delivered once, though its receiver is slower than the lease', async () => {
  await withTwoPgProcesses(async (h, other) => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const appA = new FakeApp();
    const appB = new FakeApp();
    // Process A's store: while its first claim of a row is out, 30 new receipts come for the
    // provider and go straight to its receiver (filling the window and queueing behind it).
    let injected = false;
    const storeA = new Proxy(h.store.smppDeliveries, {
      get(t, k) {
        if (k === 'claim') {
          return async (c: Parameters<SmppDeliveryStore['claim']>[0]) => {
            const rows = await t.claim(c);
            if (rows.length && !injected) {
              injected = true;
              for (let i = 0; i < 30; i++) appA.events.emit('messageStatus', receipt(`msg_live_${i}`));
            }
            return rows;
          };
        }
        const v = Reflect.get(t, k) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const a = await gateway(storeA, appA, now);
    const b = await gateway(other.smppDeliveries, appB, now);
    const clock = setInterval(() => (offset += 1000), 25);
    const esmes: SmppEsme[] = [];
    try {
      // no receiver anywhere: A keeps the receipt
      appA.events.emit('messageStatus', receipt('msg_kept'));
      await until(async () => (await h.store.smppDeliveries.count('cp_1')) === 1, 8000, 'the receipt kept');
      const got: string[] = [];
      // A's ESME takes the deliver_sm and never answers (answers enquire_link: the bind stays)
      esmes.push(await receiver(a.port, (p) => (got.push(`A:${idOf(p)}`), new Promise<number>(() => undefined))));
      await until(() => injected, 8000, "A's claim");
      // B's ESME answers at once
      esmes.push(await receiver(b.port, (p) => (got.push(`B:${idOf(p)}`), 0)));
      await until(() => got.some((g) => g.endsWith(':msg_kept')), 15_000, 'msg_kept delivered');
      // long enough for A's queue to drain: 32 deliver_sm, 2 per 10 s, ~160 s of the servers' clock
      const from = offset;
      await until(() => offset - from >= 200_000, 20_000, "200 s on the servers' clock");
      assert.deepEqual(got.filter((g) => g.endsWith(':msg_kept')).length, 1, `msg_kept delivered once: ${got.filter((g) => g.endsWith(':msg_kept')).join(', ')}`);
    } finally {
      clearInterval(clock);
      await Promise.all(esmes.map((e) => e.close().catch(() => undefined)));
      await a.server.close();
      await b.server.close();
    }
  });
});
