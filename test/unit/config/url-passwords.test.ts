/**
 * No refusal or banner repeats a password given in a URL: `--queue nats://user:pass@…` was quoted
 * whole by `start`'s "cannot reach NATS" (and by `token revoke`'s warning and the banner's queue
 * line), to stderr and stdout, so to journals and CI logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutPassword } from '../../../src/runtime/without-password.js';
import { openBus } from '../../../src/queue/nats.js';
import { queueNames } from '../../../src/queue/subjects.js';
import { closedPort } from '../../helpers/closed-port.js';

test('withoutPassword masks the password of each URL in a list, malformed ones too, and nothing else', () => {
  assert.equal(withoutPassword('nats://u:s3cret@127.0.0.1:4222'), 'nats://u:***@127.0.0.1:4222');
  assert.equal(withoutPassword('nats://a:p1@h1:4222,nats://h2:4222,nats://b:p2@h3'), 'nats://a:***@h1:4222,nats://h2:4222,nats://b:***@h3');
  assert.equal(withoutPassword('smpp://sg:s3cretpw@host:notaport'), 'smpp://sg:***@host:notaport');
  assert.equal(withoutPassword('nats://token@127.0.0.1:4222'), 'nats://token@127.0.0.1:4222', 'a user alone is not a secret here');
  assert.equal(withoutPassword('nats://127.0.0.1:4222'), 'nats://127.0.0.1:4222');
});

test('a NATS server out of reach is refused without the password of --queue', async () => {
  const port = await closedPort();
  await assert.rejects(
    openBus({ url: `nats://u:s3cret@127.0.0.1:${port}`, names: queueNames('url_passwords'), partitions: 1, ackWaitMs: 1000 }),
    (e: Error) => !e.message.includes('s3cret') && e.message.startsWith(`cannot reach NATS at nats://u:***@127.0.0.1:${port} (--queue)`),
  );
});
