/**
 * Scale-out: a graceful stop of an egress process gives back every hand-over JetStream gave its
 * pulls, including those still on the wire when it closes them (docs/SCALING.md, row "Graceful
 * shutdown drains"). An audit saw 1 of 300 messages sent 30 s late after one egress process was
 * stopped: the server had handed it to the closing pull before reading the client's UNSUB, the
 * client had already dropped the subscription, and the message waited out ack_wait.
 *
 * Made deterministic with real NATS and no mock: as the partition starts to close (the worker's
 * onClosing seam), a child process publishes hand-overs on the partition's subject and waits until
 * the server has delivered them to this worker's pull (the consumer's ack-pending count), while this
 * process, blocked in spawnSync, has not read them yet. They are in the socket when the pull closes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { busScene, startFirstPiece, suiteCleanups, TEST_NATS_URL } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';

const IN_THE_WINDOW = 3;

/** Publishes `n` hand-overs on `subject`, then waits until `durable` has them all out, unacknowledged (delivered to a pull). */
const PUBLISHER = `
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
const [url, stream, subject, durable, n] = process.argv.slice(1);
const nc = await connect({ servers: url });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
for (let i = 0; i < Number(n); i++) await js.publish(subject, JSON.stringify({ id: 'msg_window_' + i }));
const end = Date.now() + 5000;
let pending = 0;
while (Date.now() < end) {
  pending = (await jsm.consumers.info(stream, durable)).num_ack_pending;
  if (pending >= Number(n)) break;
  await new Promise((r) => setTimeout(r, 10));
}
await nc.close();
process.exit(pending >= Number(n) ? 0 : 2);
`;

describe('a graceful egress stop gives back what its closing pull was handed', () => {
  const cleanups = suiteCleanups();

  test('hand-overs delivered to the pull as it closes are given back at once, not left to ack_wait', async () => {
    const { h, prefix } = await busScene(cleanups, 'stopwindow');
    const piece = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'egress', partitions: 1 });
    const worker = piece.roles.worker!;
    const bus = piece.roles.bus;
    await until(async () => worker.owned().includes(0), 5000, 'partition 0 owned');
    const subject = bus.names.mt(0);
    const durable = bus.names.consumer(0);
    let published: number | null = null;
    worker.onClosing = () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', PUBLISHER, TEST_NATS_URL, bus.names.stream, subject, durable, String(IN_THE_WINDOW)], { encoding: 'utf8', timeout: 20_000 });
      published = r.status;
      if (r.status !== 0) process.stderr.write(r.stderr);
    };
    await worker.stop();
    assert.equal(published, 0, 'the server delivered the hand-overs to the closing pull before it closed');
    // Given back: the next owner gets each of them once, at once (well within ack_wait, 30 s) ...
    const next = await bus.js.consumers.get(bus.names.stream, durable);
    const got: string[] = [];
    for await (const m of await next.fetch({ max_messages: 10, expires: 2000 })) {
      got.push(m.json<{ id: string }>().id);
      m.ack();
    }
    assert.deepEqual(got.sort(), Array.from({ length: IN_THE_WINDOW }, (_, i) => `msg_window_${i}`), 'each hand-over given back, once');
    // ... and none is left out with the stopped pull, waiting for ack_wait.
    await until(async () => (await bus.jsm.consumers.info(bus.names.stream, durable)).num_ack_pending === 0, 2000, 'no hand-over left unacknowledged');
  });
});
