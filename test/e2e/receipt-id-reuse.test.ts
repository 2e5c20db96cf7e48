/**
 * A restarted SMSC numbers its messages from 1 again (the built-in simulator does, as do sinks and
 * real SMSCs after a reset): the receipt for a message sent after the gateway's restart must reach
 * that message, not an older one on file under the same SMSC id (found by QA: the new message stayed
 * `submitted` for ever).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, onboard, type TestGateway } from '../helpers/gateway.js';

async function sendAndWait(g: TestGateway, auth: Record<string, string>, to: string): Promise<{ id: string; status: string; upstreamId?: string }> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from: '10690001', to, text: '【示例】您的包裹已到达', type: 'notification' } });
  assert.equal(r.statusCode, 202, r.body);
  const id = r.json().id as string;
  await g.worker.drain(5000);
  // the simulator reports receipts on the next turn; they are recorded in a batch after that
  for (let i = 0; i < 100; i++) {
    const m = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth })).json();
    if (m.status !== 'submitted' && m.status !== 'accepted') return { id, status: m.status };
    await new Promise((res) => setTimeout(res, 20));
  }
  return { id, status: (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth })).json().status };
}

test('after a restart with the simulator counting from 1 again, new messages get their own receipts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-reuse-'));
  const db = join(dir, 'gw.db');
  try {
    const g1 = await startTestGateway({ db });
    const cp = await onboard(g1);
    const first = await sendAndWait(g1, cp.auth, '13800138071');
    assert.equal(first.status, 'delivered');
    await g1.close();

    const g2 = await startTestGateway({ db });
    try {
      const second = await sendAndWait(g2, cp.auth, '13800138072');
      assert.equal(second.status, 'delivered', 'the receipt under the reused SMSC id reached the new message');
      assert.equal((await g2.store.outbox.findByUpstreamId('0000000001'))?.id, second.id);
      const again = (await g2.http.inject({ method: 'GET', url: `/v1/messages/${first.id}`, headers: cp.auth })).json();
      assert.deepEqual(again.history.map((h: { status: string }) => h.status), ['accepted', 'submitted', 'delivered'], 'the old message changed nothing');
    } finally {
      await g2.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
