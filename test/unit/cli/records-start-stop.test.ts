/**
 * `start` stopping while its first records head publication is still out: the publication fails on
 * the closed store, and that is the stop, not a fault worth an error line. Found walking
 * docs/SCALING.md: a `smsguard start` refused at start (NATS unreachable, the bus's stream another
 * deployment's) printed `{"level":50,…,"err":"Cannot use a pool after calling end on the pool",
 * "msg":"records head publication failed"}` above its one-line reason, about every other run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../../helpers/gateway.js';
import { startRecords } from '../../../src/cli/records.js';
import { loadConfig } from '../../../src/config/schema.js';

test('a head publication that fails after the records were stopped logs no error; one before the stop does', async () => {
  const g = await startTestGateway();
  try {
    const archive = g.app.ctx.store.records.archive!;
    const lines: { level: string; msg: string }[] = [];
    const log = {
      info: (_o: object, msg: string) => void lines.push({ level: 'info', msg }),
      warn: (_o: object, msg: string) => void lines.push({ level: 'warn', msg }),
      error: (_o: object, msg: string) => void lines.push({ level: 'error', msg }),
    };
    const fail = (archive as { chains: unknown }).chains;
    let failNow!: (e: Error) => void;
    (archive as { chains: unknown }).chains = () => new Promise((_resolve, reject) => { failNow = reject; });
    try {
      const records = startRecords(g.app, loadConfig({ db: ':memory:' }, {}), log);
      records.stop();
      failNow(new Error('Cannot use a pool after calling end on the pool'));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(lines.filter((l) => l.level === 'error'), [], 'no error after the stop');

      const running = startRecords(g.app, loadConfig({ db: ':memory:' }, {}), log);
      failNow(new Error('the store went away'));
      await new Promise((r) => setTimeout(r, 50));
      running.stop();
      assert.deepEqual(lines.filter((l) => l.level === 'error').map((l) => l.msg), ['records head publication failed'], 'a failure while running is still logged');
    } finally {
      (archive as { chains: unknown }).chains = fail;
    }
  } finally {
    await g.close();
  }
});
