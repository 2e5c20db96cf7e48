/**
 * One gateway process for provider-heads-two-processes.test.ts: opens the PostgresStore on the given
 * schema with the deployment's one signing key and, from the start time on, keeps records flowing
 * (decisions of both providers, each batch in its own transaction, an audit record of no provider
 * now and then) while it signs heads over and over, as `GET /v1/records/heads` and the hourly
 * publication do. Prints what it saw: {decided, publications, seen}, `seen` the newest provider
 * head of each provider (what `GET /v1/records/heads?contentProviderId=` answers) after each publication.
 */
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { SystemClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords } from '../../../src/app/records-service.js';
import { RecordsSigner } from '../../../src/app/records-signing.js';
import { decision, item, msisdn } from '../../contract/fixtures.js';
import type { AuditAction } from '../../../src/domain/audit-actions.js';

const { url, schema, key, providers, at, batches, startAt } = JSON.parse(process.argv[2]) as {
  url: string; schema: string; key: string; providers: { cp: string; port: string }[]; at: number; batches: number; startAt: number;
};
const store = await PostgresStore.open({ url, schema, max: 4, migrate: false });
const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
const svc = configureRecords(app.ctx, RecordsSigner.fromText(key));
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));

let decided = 0;
let flowing = true;
const writers = (async () => {
  for (let i = 0; i < batches; i++) {
    const p = providers[i % providers.length];
    const out = await store.messages.decideAndRecord(Array.from({ length: 1 + (i % 3) }, () => item({ cp: p.cp, from: p.port, to: msisdn(), at })), () => decision(true));
    decided += out.length;
    if (i % 7 === 0) await store.records.appendAudit(at, 'test', 'test.tick' as AuditAction, { i });
  }
  flowing = false;
})();
const seen: { contentProviderId: string; lastSeq: number; count: number; signedAt: number }[] = [];
let publications = 0;
const publisher = (async () => {
  while (flowing) {
    // As GET /v1/records/heads does on every call (the one-minute floor left out, so that both sign all the time).
    await svc.publishHeads();
    publications++;
    for (const p of providers) for (const h of await svc.providerHeads(p.cp)) seen.push({ contentProviderId: h.contentProviderId, lastSeq: h.lastSeq, count: h.count, signedAt: h.signedAt });
  }
})();
await Promise.all([writers, publisher]);
await store.close();
process.stdout.write(`${JSON.stringify({ decided, publications, seen })}\n`);
