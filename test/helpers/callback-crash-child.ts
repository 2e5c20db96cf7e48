/**
 * For test/chaos/callback-kill.test.ts: a gateway (app, simulator SMSC, delivery worker, callback
 * worker) on the store named by the argument, whose provider has a statusUrl; it accepts one message
 * and is killed (SIGKILL, by itself) the moment its `submitted` is announced, before the callback
 * worker hears that event: the crash between a status's commit and anything after it. It says
 * `ACCEPTED <id>` first. The listener that kills is registered before the callback worker starts, so
 * the worker's after-commit queueing never runs.
 * Usage: node --import tsx test/helpers/callback-crash-child.ts sqlite:<file> | pg:<schema>
 */
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { CallbackWorker } from '../../src/app/callback-worker.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/ports/store.js';
import { TEST_PG_URL } from './pg.js';
import { NOON_SHANGHAI, validCreditCode } from './gateway.js';

const [where] = process.argv.slice(2);
const store: Store = where.startsWith('pg:') ? await PostgresStore.open({ url: TEST_PG_URL, schema: where.slice(3), max: 2 }) : new SqliteStore(where.slice('sqlite:'.length));
const clock = new SimulatedClock(NOON_SHANGHAI);
const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
const admin = { role: 'admin' as const, actorId: 'crash' };
const { id: cp } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
await app.addSignature(admin, cp, { signature: '【示例】' });
await app.addPort(admin, { number: '10690001', contentProviderId: cp, kind: 'service' });
// a receiver nobody listens on: the row stays queued
await app.setCallbacks(admin, cp, { statusUrl: 'http://127.0.0.1:9/status' });
process.stdout.write(`PROVIDER ${cp}\n`);
app.events.on('messageStatus', (s) => {
  if (s.status === 'submitted') process.kill(process.pid, 'SIGKILL');
});
const callbacks = new CallbackWorker(app.ctx, app.callbacks);
await callbacks.start();
const r = await app.submitMessage({ role: 'content-provider', contentProviderId: cp, actorId: cp }, { from: '10690001', to: '13800138000', text: '【示例】您的验证码是123456', type: 'verification', clientRef: 'crash-1' }, 'http');
if (!r.ok) throw new Error(`not accepted: ${JSON.stringify(r)}`);
process.stdout.write(`ACCEPTED ${r.id}\n`);
new DeliveryWorker(app.ctx, new SimulatorSmsc(clock), { pollMs: 20 }).start();
