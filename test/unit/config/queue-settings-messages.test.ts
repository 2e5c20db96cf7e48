/**
 * The bus settings refused in words an operator can act on. Walking docs/SCALING.md, `--queue-prefix
 * a.b` was answered `Invalid string: must match pattern /^[A-Za-z0-9_-]{1,32}$/`, and `--queue
 * 127.0.0.1:4222` (no scheme) `Invalid string: must match pattern /^nats:\/\//`: a regular expression
 * to decode, where the help says what is allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

const problems = (flags: Record<string, unknown>): string[] => {
  try {
    loadConfig(flags, {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

test('a bad --queue-prefix or --queue is said in words, not as a pattern', () => {
  assert.deepEqual(problems({ queuePrefix: 'a.b' }), ['queuePrefix (--queue-prefix): 1 to 32 letters, digits, _ and -: "a.b"']);
  assert.deepEqual(problems({ queuePrefix: 'x'.repeat(33) }), [`queuePrefix (--queue-prefix): 1 to 32 letters, digits, _ and -: "${'x'.repeat(33)}"`]);
  assert.deepEqual(problems({ queue: 'u:s3cret@127.0.0.1:4222' }), ['queue (--queue): not a NATS URL: nats://host:port, or several comma-separated'], 'the value, which may carry a password, unsaid');
  assert.deepEqual(problems({ queuePrefix: 'gw-east_2', queue: 'nats://127.0.0.1:4222' }).filter((p) => /queue/.test(p)), []);
});
