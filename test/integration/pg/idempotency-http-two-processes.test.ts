/**
 * Idempotency-Key across two real gateway processes on one PostgreSQL schema (README "Retrying
 * safely"): separate Node processes, pools and keys-in-flight maps, reached over HTTP. The same keyed
 * request is sent to both at the same moment, round after round. Each time exactly one decides
 * (answered without `Idempotent-Replayed`); the other gets that answer again, byte for byte, with
 * `Idempotent-Replayed: true` (it came after the first's commit, or its transaction waited for that
 * commit and failed on the key), or, should the key's row not be readable by then, 409
 * `idempotency_key_in_flight` (rule `api.idempotency`). Nothing is recorded, queued or counted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { stopProcess } from '../../helpers/process.js';
import { validCreditCode } from '../../helpers/gateway.js';
import { shanghaiDay } from '../../../src/domain/usage.js';

const CHILD = fileURLToPath(new URL('./idempotency-gateway-child.ts', import.meta.url));
const ADMIN = 'admin-idem-two-processes-0123456789';
const CODE = '【示例】您的验证码是123456，5分钟内有效。';
const ROUNDS = 25;

async function startGateway(schema: string): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ url: TEST_PG_URL, schema, adminToken: ADMIN })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${err}`)));
  });
  return { proc, base: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

interface Answer { status: number; body: string; replayed: string | null }

async function post(base: string, path: string, headers: Record<string, string>, payload: unknown): Promise<Answer> {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
  return { status: r.status, body: await r.text(), replayed: r.headers.get('idempotent-replayed') };
}

test('two gateway processes, one key at the same moment: one decides, the other replays it (or 409 in flight); nothing recorded, queued or counted twice', { timeout: 120_000 }, async () => {
  const h = await openTestPgStore();
  const gateways: ChildProcess[] = [];
  try {
    const a = await startGateway(h.schema);
    gateways.push(a.proc);
    const b = await startGateway(h.schema);
    gateways.push(b.proc);
    const admin = { authorization: `Bearer ${ADMIN}` };
    const created = await post(a.base, '/v1/content-providers', admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    assert.equal(created.status, 201, created.body);
    const { id: cp, apiKey } = JSON.parse(created.body) as { id: string; apiKey: string };
    assert.equal((await post(a.base, `/v1/content-providers/${cp}/signatures`, admin, { signature: '【示例】' })).status, 201);
    assert.equal((await post(a.base, '/v1/ports', admin, { number: '10690001', contentProviderId: cp, kind: 'service' })).status, 201);
    const auth = { authorization: `Bearer ${apiKey}` };

    const numbers: string[] = [];
    const outcomes = { replayed: 0, inFlight: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      // odd rounds a batch of two numbers, even rounds one message: both routes take the header
      const batch = i % 2 === 1;
      const to = [`1390055${String(i).padStart(2, '0')}01`, ...(batch ? [`1390055${String(i).padStart(2, '0')}02`] : [])];
      numbers.push(...to);
      const msg = (n: string) => ({ from: '10690001', to: n, text: CODE, type: 'verification' });
      const path = batch ? '/v1/messages/batch' : '/v1/messages';
      const body = batch ? { messages: to.map(msg) } : msg(to[0]);
      const headers = { ...auth, 'idempotency-key': `order-${i}` };
      const answers = await Promise.all([post(a.base, path, headers, body), post(b.base, path, headers, body)]);
      const first = answers.filter((x) => x.replayed === null && x.status !== 409);
      assert.equal(first.length, 1, `round ${i}: exactly one decides: ${JSON.stringify(answers)}`);
      assert.equal(first[0].status, batch ? 200 : 202, first[0].body);
      const other = answers.find((x) => x !== first[0])!;
      if (other.status === 409) {
        const e = (JSON.parse(other.body) as { error: { code: string; rule: string; field: string } }).error;
        assert.deepEqual([e.code, e.rule, e.field], ['idempotency_key_in_flight', 'api.idempotency', 'Idempotency-Key']);
        assert.equal(other.replayed, null);
        outcomes.inFlight++;
      } else {
        assert.equal(other.replayed, 'true', `round ${i}: ${JSON.stringify(answers)}`);
        assert.equal(other.status, first[0].status);
        assert.equal(other.body, first[0].body, 'the first answer, byte for byte');
        outcomes.replayed++;
      }
    }
    // What the database holds: one decision per number, whichever process made it.
    const count = async (sql: string, params: unknown[]) => Number((await h.store.pool.query<{ n: string }>(sql, params)).rows[0].n);
    assert.equal(await count("SELECT count(*) AS n FROM records WHERE kind = 'mt' AND msisdn = ANY($1::text[])", [numbers.map((n) => `+86${n}`)]), numbers.length, 'one record per number');
    assert.equal(await count('SELECT count(*) AS n FROM message_status WHERE content_provider_id = $1', [cp]), numbers.length, 'one queued message per number');
    assert.equal(await count('SELECT count(*) AS n FROM sends WHERE content_provider_id = $1', [cp]), numbers.length, 'one frequency count per number');
    assert.equal(await count('SELECT count(*) AS n FROM idempotency_keys WHERE content_provider_id = $1', [cp]), ROUNDS);
    const usage = await h.store.usage.read({ contentProviderIds: [cp], from: shanghaiDay(Date.now() - 86_400_000), to: shanghaiDay(Date.now() + 86_400_000) });
    const total = (key: string) => usage.filter((u) => u.key === key).reduce((s, u) => s + u.n, 0);
    assert.deepEqual([total('submitted'), total('accepted')], [numbers.length, numbers.length], 'counted once');
    // every round ended one way or the other (how many each way depends on timing, reported)
    assert.equal(outcomes.replayed + outcomes.inFlight, ROUNDS);
    process.stdout.write(`# ${JSON.stringify(outcomes)}\n`);
  } finally {
    for (const p of gateways) await stopProcess(p);
    await h.dispose();
  }
});
