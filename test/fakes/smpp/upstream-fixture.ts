/**
 * The SMPP client as the upstream tests drive it: in process and on its own thread (every such test
 * runs against both), bound through one link to a FakeSmsc.
 */
import assert from 'node:assert/strict';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import { FakeSmsc, type FakeSmscOptions } from './fake-smsc.js';

export type Upstream = SmppUpstream | ThreadedUpstream;

/** Both ways the client runs, with a name for the test title. */
export const UPSTREAM_MAKERS = [
  ['in process', (o: UpstreamOptions): Upstream => new SmppUpstream(o)],
  ['on its own thread', (o: UpstreamOptions): Upstream => new ThreadedUpstream(o)],
] as const;

/**
 * A FakeSmsc (`smsc`: its options, default no misbehaviour) and a client bound to it through one link
 * (`params`: the link URL's query) with `onReceipt` as its receipt handler if given; runs `body`, then
 * closes both.
 */
export async function withUpstream(
  make: (o: UpstreamOptions) => Upstream,
  o: { smsc?: Partial<FakeSmscOptions>; params: string; upstream?: Partial<UpstreamOptions>; onReceipt?: (r: DeliveryReceipt) => void | Promise<unknown> },
  body: (up: Upstream, smsc: FakeSmsc) => Promise<void>,
): Promise<void> {
  const smsc = new FakeSmsc({ misbehaviour: 'none', ...o.smsc });
  await smsc.listen();
  const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?${o.params}`)], ...o.upstream });
  if (o.onReceipt) up.onReceipt(o.onReceipt);
  up.start();
  try {
    assert.ok(await up.waitUp(5000));
    await body(up, smsc);
  } finally {
    await up.close();
    await smsc.close();
  }
}
