/**
 * The earlier parts of a provider's long message survive a restart before the set is whole. The
 * SMPP server acknowledges each earlier part at once (an ESME whose window is smaller than the set
 * must not stall), so their sender forgets them: they must be kept. Parts 1 and 2 of three reach the
 * first gateway and get ESME_ROK; it stops; the ESME binds to a new gateway on the same database and
 * sends part 3. The message is decided on the whole text, reaches the carrier whole, and its
 * receipts go under every part's id (asked for on part 1 only). Before, the earlier parts lived in
 * the server's memory: part 3 alone opened a new set, which expired, and the message was lost though
 * its sender held an ESME_ROK for every part. The vendor TLVs a kept part gave are kept with it
 * (SQLite 131): a set whose first part named its charged service is decided with it after a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { CommandStatus, Tag, tlvCString, type DataSmPdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { concatPart, keepReceipts, onboardSmppProvider, smppGateway, using, withEsme } from '../../helpers/restart-gateway.js';
import { waitFor } from '../../helpers/wait.js';
import type { SmppDeliveryStore } from '../../../src/ports/smpp-deliveries.js';

/** A fake carrier SMSC with receipts, a simulated clock at noon in Shanghai and a database path; cleaned up after. */
async function scene(fn: (s: { db: string; smsc: FakeSmsc; clock: SimulatedClock }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-provider-partial-'));
  const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true });
  await smsc.listen();
  try {
    await fn({ db: join(dir, 'gw.db'), smsc, clock: new SimulatedClock(NOON_SHANGHAI) });
  } finally {
    await smsc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const TEXTS = ['【示例】您的快递已到驿站，请凭取件码取件，', '驿站营业时间为每天早上八点至晚上九点，', '如有疑问请致电驿站。'];

/**
 * The first gateway's half of a restart between parts: the provider onboarded, parts 1 and 2 sent on
 * a bind (each answered ESME_ROK), `kept` run on its store before it stops. The parts' message ids.
 */
async function firstTwoParts(
  first: Awaited<ReturnType<typeof smppGateway>>, esme: Parameters<typeof withEsme>[0], part: (seq: number) => SmPdu,
  kept: (store: Awaited<ReturnType<typeof smppGateway>>['store']) => Promise<void>,
): Promise<string[]> {
  const ids: string[] = [];
  await onboardSmppProvider(first, 'esme1', 'pw123', await validCreditCode());
  await withEsme(esme, async (e) => {
    for (const seq of [1, 2]) {
      const resp = await e.request(part(seq));
      assert.equal(resp.command_status, CommandStatus.ESME_ROK);
      ids.push((resp as { message_id: string }).message_id);
    }
    await kept(first.store);
  });
  return ids;
}

test('the earlier parts of a long message kept across a restart: the last part completes the set on the new gateway', { timeout: 60_000 }, () => scene(async ({ db, smsc, clock }) => {
  const run = (store: SqliteStore) => smppGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`, { keepParts: true });
  const receipts: string[] = [];
  const esmeAt = (port: number) => ({ host: '127.0.0.1', port, systemId: 'esme1', password: 'pw123', bindType: 'transceiver' as const, onDeliver: keepReceipts(receipts) });
  const part = (seq: number) => concatPart({ ref: 77, total: 3, seq, text: TEXTS[seq - 1], registeredDelivery: seq === 1 ? 1 : 0 });
  let ids: string[] = [];
  await using(await run(new SqliteStore(db)), async (first) => {
    ids = await firstTwoParts(first, esmeAt(first.port), part, async (store) => {
      assert.equal((await store.smppDeliveries.openParts()).length, 2, 'both kept before their answers');
    });
  });
  assert.equal(smsc.acked.length, 0, 'nothing sent from half a message');

  await using(await run(new SqliteStore(db)), (second) => withEsme(esmeAt(second.port), async (esme) => {
    const resp = await esme.request(part(3));
    assert.equal(resp.command_status, CommandStatus.ESME_ROK);
    const id = (resp as { message_id: string }).message_id;
    const m = await second.app.ctx.store.messages.getMessage(id);
    assert.equal(m?.text, TEXTS.join(''), 'decided on the whole text');
    assert.deepEqual(m?.clientPartIds, ids);
    await waitFor(() => (smsc.acked.length >= 1 ? true : undefined), 10_000, 'the message at the carrier');
    assert.equal(smsc.acked.map((a) => a.text).join(''), TEXTS.join(''));
    // the set asks for receipts when any part does (server.ts): one under every part's id
    await waitFor(() => (receipts.length >= 3 ? true : undefined), 20_000, 'every part\'s receipt');
    assert.deepEqual([...receipts].sort(), [...ids, id].sort());
    assert.deepEqual(await second.store.smppDeliveries.openParts(), [], 'the set forgotten once decided');
  }));
}));

test('a crash between a set\'s decision and the drop of its kept parts: the parts went with the decision, nothing reopens', { timeout: 60_000 }, () => scene(async ({ db, smsc, clock }) => {
  const url = `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`;
  const part = (seq: number) => concatPart({ ref: 78, total: 3, seq, text: TEXTS[seq - 1], registeredDelivery: 1 });
  const store = new SqliteStore(db);
  // The process dies before its drop of the set's rows (the turn after the decision): never done.
  let drops = 0;
  const deliveries = Object.assign(Object.create(store.smppDeliveries) as SmppDeliveryStore, {
    dropParts: () => { drops++; return new Promise<never>(() => undefined); },
  });
  await using(await smppGateway(store, clock, url, { deliveries }), async (first) => {
    await onboardSmppProvider(first, 'esme1', 'pw123', await validCreditCode());
    await withEsme({ host: '127.0.0.1', port: first.port, systemId: 'esme1', password: 'pw123', bindType: 'transceiver', onDeliver: () => CommandStatus.ESME_ROK }, async (esme) => {
      for (const seq of [1, 2]) assert.equal((await esme.request(part(seq))).command_status, CommandStatus.ESME_ROK);
      assert.equal((await store.smppDeliveries.openParts()).length, 2, 'the earlier parts kept');
      assert.equal((await esme.request(part(3))).command_status, CommandStatus.ESME_ROK);
      await waitFor(() => (drops > 0 ? true : undefined), 5_000, 'the server\'s own drop asked for');
      assert.deepEqual(await store.smppDeliveries.openParts(), [], 'gone with the decision, though the drop never ran');
    });
  });
  // the next start reopens nothing, so nothing expires and no EXPIRED receipt contradicts the message's own
  const expired: string[] = [];
  await using(await smppGateway(new SqliteStore(db), clock, url, { keepParts: true }), async (second) => {
    const onDeliver = (pdu: SmPdu | DataSmPdu) => {
      if (pdu.command === 'deliver_sm' && /stat:EXPIRED/.test(pdu.short_message.toString('latin1'))) expired.push('x');
      return CommandStatus.ESME_ROK;
    };
    await withEsme({ host: '127.0.0.1', port: second.port, systemId: 'esme1', password: 'pw123', bindType: 'receiver', onDeliver }, async () => {
      clock.advance(3_600_000);
      await new Promise((r) => setTimeout(r, 1_500));
      assert.deepEqual(expired, []);
      assert.deepEqual(await second.store.smppDeliveries.openParts(), []);
    });
  });
}));

test('a restart between the parts keeps the first part\'s vendor TLVs: the set is decided with them on the new gateway', { timeout: 60_000 }, () => scene(async ({ db, smsc, clock }) => {
  // 0x1403 on part 1 only (many ESMEs give per-message attributes on the first PDU), naming no
  // service: the set is refused 0x401 (not_found) whole. Before, part 3 was read alone: sent uncharged.
  const run = (store: SqliteStore) => smppGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`, { keepParts: true });
  const receipts: string[] = [];
  const esmeAt = (port: number) => ({ host: '127.0.0.1', port, systemId: 'esme1', password: 'pw123', bindType: 'transceiver' as const, onDeliver: keepReceipts(receipts) });
  const part = (seq: number): SmPdu => {
    const p = concatPart({ ref: 79, total: 3, seq, text: TEXTS[seq - 1], registeredDelivery: seq === 1 ? 1 : 0 });
    return seq === 1 ? { ...p, tlvs: [tlvCString(Tag.smsguard_charged_service, 'chs_nope'), tlvCString(Tag.smsguard_category, 'promotions')] } : p;
  };
  let ids: string[] = [];
  await using(await run(new SqliteStore(db)), async (first) => {
    ids = await firstTwoParts(first, esmeAt(first.port), part, async (store) => {
      const kept = await store.smppDeliveries.openParts();
      assert.deepEqual(kept.map((p) => [p.seq, p.chargedServiceId, p.category, p.messageType]), [[1, 'chs_nope', 'promotions', undefined], [2, undefined, undefined, undefined]]);
    });
  });

  await using(await run(new SqliteStore(db)), (second) => withEsme(esmeAt(second.port), async (esme) => {
    const resp = await esme.request(part(3));
    assert.equal(resp.command_status, 0x401, `0x${resp.command_status.toString(16)} (ESME_ROK: the first part's service lost with the restart)`);
    // refused whole: the earlier parts hear REJECTD (part 1 asked for receipts)
    await waitFor(() => (receipts.length >= 2 ? true : undefined), 10_000, 'the earlier parts\' receipts');
    assert.deepEqual([...receipts].sort(), [...ids].sort());
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smsc.acked.length, 0, 'nothing sent');
    assert.deepEqual(await second.store.smppDeliveries.openParts(), []);
  }));
}));
