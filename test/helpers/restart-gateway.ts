/**
 * One gateway process of a restart test: an App on a SQLite file, an upstream (the SMPP client, in
 * process or on its thread) to a fake SMSC, and the delivery worker (MO to receiveMo); with
 * `smppGateway` also the SMPP server content providers bind to. A test starts one, stops it (nothing
 * in memory survives), and starts another on the same file.
 */
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import type { SimulatedClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { SmppServer, SmppCredentials } from '../../src/smpp/server/index.js';
import { SmppEsme, SmppUpstream, parseUpstreamUrl } from '../../src/smpp/client/index.js';
import { CommandStatus, EsmClass, Tag, buildConcatUdh, encodeText, smDefaults, tlvString, type DataSmPdu, type SmPdu } from '../../src/smpp/pdu/index.js';
import type { Upstream } from '../fakes/smpp/upstream-fixture.js';
import type { UpstreamOptions } from '../../src/smpp/client/upstream.js';
import type { SmppDeliveryStore } from '../../src/ports/smpp-deliveries.js';

/** Makes the upstream (UPSTREAM_MAKERS: in process or on its thread). */
export type UpstreamMaker = (o: UpstreamOptions) => Upstream;

const admin = { role: 'admin' as const, actorId: 'a' };

export interface RestartGateway {
  app: App;
  store: SqliteStore;
  up: Upstream;
  stop(): Promise<void>;
}

/** App, upstream to `smscUrl` (made by `make`, default the in-process client) and delivery worker on `store`. */
export function deliveryGateway(store: SqliteStore, clock: SimulatedClock, smscUrl: string, o: { make?: UpstreamMaker; pollMs?: number } = {}): RestartGateway {
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const up = (o.make ?? ((opts) => new SmppUpstream(opts)))({ links: [parseUpstreamUrl(smscUrl)] });
  const worker = new DeliveryWorker(app.ctx, up, { pollMs: o.pollMs ?? 20 }, (mo) => app.receiveMo(mo, 'system'));
  up.start();
  worker.start();
  return { app, store, up, stop: async () => { await worker.stop(); await up.close(); await store.close(); } };
}

/**
 * deliveryGateway bound to its SMSC, plus the SMPP server on a free port. `keepParts`: the server
 * keeps the acknowledged parts of unfinished long messages in the store, as `smsguard start` does
 * (otherwise in memory, lost with the process); `deliveries`: in this store instead (a wrapped one).
 */
export async function smppGateway(store: SqliteStore, clock: SimulatedClock, smscUrl: string, o: { keepParts?: boolean; deliveries?: SmppDeliveryStore } = {}) {
  const g = deliveryGateway(store, clock, smscUrl, { pollMs: 50 });
  if (!(await g.up.waitUp(5000))) throw new Error('the upstream did not bind');
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null, now: () => clock.now(), newId: () => g.app.ctx.ids.next('cred') });
  const server = new SmppServer({
    app: g.app, now: () => clock.now(), authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null,
    ...(o.deliveries ? { deliveries: o.deliveries } : o.keepParts ? { deliveries: store.smppDeliveries } : {}),
  });
  const port = await server.listen(0, '127.0.0.1');
  return { ...g, creds, port, stop: async () => { await server.close(); await g.stop(); } };
}

/** A content provider with signature 【示例】 and a service port 10690001; the principal it submits as. */
export async function onboardProvider(app: App, creditCode: string) {
  const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode });
  await app.addSignature(admin, cp.id, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
  return { role: 'content-provider' as const, contentProviderId: cp.id, actorId: 't' };
}

/** onboardProvider, with SMPP credentials `systemId`/`password`; its id. */
export async function onboardSmppProvider(g: { app: App; creds: SmppCredentials }, systemId: string, password: string, creditCode: string): Promise<string> {
  const { contentProviderId } = await onboardProvider(g.app, creditCode);
  await g.creds.create(admin, contentProviderId, { systemId, password });
  return contentProviderId;
}

/** Runs `fn` with `g`, then stops it whatever happened (a restart test's gateway, one at a time). */
export async function using<G extends { stop(): Promise<void> }, T>(g: G, fn: (g: G) => Promise<T>): Promise<T> {
  try {
    return await fn(g);
  } finally {
    await g.stop();
  }
}

/** Binds an ESME with `o` (SmppEsme.connect), runs `fn` with it, then closes it whatever happened. */
export async function withEsme<T>(o: Parameters<typeof SmppEsme.connect>[0], fn: (esme: SmppEsme) => Promise<T>): Promise<T> {
  const esme = await SmppEsme.connect(o);
  try {
    return await fn(esme);
  } finally {
    await esme.close();
  }
}

/** Part `seq` of `total` (UDH reference `ref`) of a long UCS-2 message from port 10690001 to 13800138000. */
export function concatPart(o: { ref: number; total: number; seq: number; text: string; registeredDelivery: number }): SmPdu {
  return {
    ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', esm_class: EsmClass.UDHI, data_coding: 8, registered_delivery: o.registeredDelivery,
    short_message: Buffer.concat([buildConcatUdh({ ref: o.ref, total: o.total, seq: o.seq }), encodeText(o.text, 8)]),
  };
}

/** An ESME's onDeliver: answers ESME_ROK and keeps each delivery receipt's receipted_message_id in `into`. */
export function keepReceipts(into: string[]): (pdu: SmPdu | DataSmPdu) => number {
  return (pdu) => {
    if (pdu.command === 'deliver_sm' && pdu.esm_class & EsmClass.DELIVERY_RECEIPT) into.push(tlvString(pdu.tlvs, Tag.receipted_message_id) ?? '');
    return CommandStatus.ESME_ROK;
  };
}
