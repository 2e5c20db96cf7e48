/**
 * Under `--clock simulated` the scheduled retention run removes nothing: moving the clock far ahead
 * must never destroy statutory records (a simulated clock is a testing aid; records are kept by real
 * time). The wiring is the one `start` uses (startRecords); the purge the same moment would do by
 * hand is planned alongside, so the test fails if the skip were not what kept the records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard } from '../helpers/gateway.js';
import { startRecords } from '../../src/cli/records.js';
import { loadConfig } from '../../src/config/schema.js';
import { recordsFor } from '../../src/app/records-service.js';
import { purgeRecords, SIMULATED_CLOCK_SKIP } from '../../src/app/retention.js';

const DEC = Date.parse('2026-12-01T04:00:00Z');

test('a simulated clock moved far ahead: the scheduled retention run leaves the records in place and says so once', async () => {
  const g = await startTestGateway({ now: DEC });
  const lines: { level: string; msg: string }[] = [];
  const log = {
    info: (_o: object, msg: string) => void lines.push({ level: 'info', msg }),
    warn: (_o: object, msg: string) => void lines.push({ level: 'warn', msg }),
    error: (_o: object, msg: string) => void lines.push({ level: 'error', msg }),
  };
  const records = startRecords(g.app, loadConfig({ db: ':memory:' }, {}), log);
  try {
    assert.match(records.line, /daily purge off \(simulated clock/);
    const cp = await onboard(g);
    for (const to of ['13800138000', '13900139000']) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification' } });
      assert.equal(r.statusCode, 202, r.body);
    }
    const count = async () => (await g.http.inject({ method: 'GET', url: '/v1/records?limit=1000', headers: g.admin })).json().records.length;
    const before = await count();
    assert.ok(before >= 2, `records written: ${before}`);

    g.clock.set(Date.parse('2027-06-02T10:00:00+08:00'));
    const due = await purgeRecords(g.app.ctx, { dryRun: true, actor: 'test' });
    assert.deepEqual(due.months.map((m) => m.chain), ['2026-12'], 'by the simulated clock December is past retention');

    assert.equal(await records.retention!.runOnce(), null);
    assert.equal(await records.retention!.runOnce(), null);
    assert.ok((await recordsFor(g.app.ctx).archive.chains()).some((c) => c.chain === '2026-12'), 'the month is still there');
    assert.equal(await count(), before, 'every record is still there');
    const purges = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=records.purge', headers: g.admin })).json().records;
    assert.equal(purges.length, 0, 'no purge recorded');
    assert.deepEqual(lines.filter((l) => l.msg === SIMULATED_CLOCK_SKIP).map((l) => l.level), ['warn'], 'said once, not per run');
    assert.equal(lines.filter((l) => l.level === 'error').length, 0, JSON.stringify(lines));
  } finally {
    records.stop();
    await g.close();
  }
});
