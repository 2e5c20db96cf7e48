/**
 * `smsguard start` wires an early-warning `suspend` alert into the provider's credit file
 * (docs/COMPLAINTS.md, `early_warning_suspension`) and counts it in /metrics. The metrics hook used
 * to replace the credit-file hook set before it, so in a running gateway the alert was counted and
 * the provider suspended, but its credit file never said so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const ADMIN = 'sga_early_warning_credit_test_token_0001';

test('an early-warning suspension reaches the credit file and the metrics of a running gateway', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-ew-credit-'));
  const shipped = JSON.parse(readFileSync(new URL('../../data/content/early-warning-policy.json', import.meta.url), 'utf8')) as { rules: { id: string }[] };
  // two prohibited hits in the window suspend the provider
  const policy = { ...shipped, rules: [{ id: 'prohibited_hits', metric: 'prohibited_hits', scope: 'provider', threshold: 2, severity: 'critical', action: { kind: 'suspend' } }] };
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
  const env = { ...process.env, SMSGUARD_ADMIN_TOKEN: ADMIN, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '', SMSGUARD_EARLY_WARNING_POLICY: join(dir, 'policy.json') };
  const g = await spawnSmsguard(['start', '--db', join(dir, 'g.db'), '--http-port', '0', '--smpp-port', '0'], { env });
  try {
    const call = async (path: string, auth: string, body?: unknown) => {
      const r = await fetch(`${g.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, json: await r.json() as Record<string, unknown> };
    };
    const cp = (await call('/v1/content-providers', ADMIN, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' })).json as { id: string; apiKey: string };
    await call(`/v1/content-providers/${cp.id}/signatures`, ADMIN, { signature: '【示例】' });
    await call('/v1/ports', ADMIN, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
    for (const to of ['13700137001', '13700137002', '13700137003']) {
      const r = await call('/v1/messages', cp.apiKey, { from: '10690001', to, text: '【示例】代开发票，联系我们。', type: 'notification' });
      assert.ok(r.status === 422 || r.status === 429, JSON.stringify(r));
    }
    const entries = await waitFor(async () => {
      const r = await call(`/v1/credit/entries?contentProviderId=${cp.id}`, ADMIN);
      const list = (r.json.entries as { kind: string }[]) ?? [];
      return list.some((e) => e.kind === 'early_warning_suspension') ? list : undefined;
    }, 15_000, 'an early_warning_suspension entry in the credit file').catch(async (e: Error) => {
      const alerts = (await (await fetch(`${g.url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('smsguard_early_warning_alerts_total'));
      return assert.fail(`${e.message}; alerts counted: ${alerts.join(', ') || 'none'}`);
    });
    assert.equal(entries.filter((e) => e.kind === 'early_warning_suspension').length, 1);
    const metrics = await (await fetch(`${g.url}/metrics`)).text();
    assert.match(metrics, /smsguard_early_warning_alerts_total\{rule="prohibited_hits",metric="prohibited_hits",severity="critical",action="suspend"\} 1/);
  } finally {
    await stopProcess(g.proc);
    rmSync(dir, { recursive: true, force: true });
  }
});
