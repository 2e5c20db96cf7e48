/**
 * PATCH /v1/messages/{id}: a sender replaces the text of a message the gateway still holds, through
 * the same replaceMessage use case as SMPP replace_sm. The new text is decided by every rule again:
 * accepted, the message goes with it; refused (422 with the rule and article), the message stays as
 * it was. Only its sender may replace it (another provider 403, an operator 403), an unknown id is
 * 404, a message already sent 409; the sender, recipient, type and category cannot be changed (400).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, deliverQueued, gatewaySuite, onboard, startTestGateway } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';

describe('PATCH /v1/messages/{id}', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });

  const send = async (to: string) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的订单已发货', type: 'notification' } });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id as string;
  };
  const patch = (id: string, payload: unknown, headers = cp.auth) => g.http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers, payload: payload as object });
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const deliver = () => deliverQueued(g);

  test('a queued message: 200 with the new text, which is what goes out; a refused text is 422 with its rule and changes nothing', async () => {
    await g.worker.stop();
    const id = await send('13900139201');
    const r = await patch(id, { text: '【示例】您的订单已签收' });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { id, status: 'accepted', text: '【示例】您的订单已签收', segments: 1 });
    const refused = await patch(id, { text: '您的订单已签收' });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().error.code, 'signature_missing');
    assert.ok(refused.json().error.rule && refused.json().error.article, 'the rule and article');
    const v = await view(id);
    assert.equal(v.text, '【示例】您的订单已签收');
    assert.match(v.history.at(-1).detail, /^text replaced by /);
    await deliver();
    assert.deepEqual(g.simulator.outbox('+8613900139201').map((m) => m.text), ['【示例】您的订单已签收']);
    assert.equal((await patch(id, { text: '【示例】太晚了' })).statusCode, 409, 'sent: too late');
  });

  test('times: absent keeps the schedule, a new one replaces it, null drops it', async () => {
    await g.worker.stop();
    const at = new Date(g.app.ctx.clock.now() + 3_600_000).toISOString();
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13900139203', text: '【示例】您的订单已发货', type: 'notification', scheduledAt: at } });
    assert.equal(r.statusCode, 202, r.body);
    const id = r.json().id as string;
    const first = (await view(id)).scheduledAt;
    assert.equal((await patch(id, { text: '【示例】您的订单已签收' })).statusCode, 200);
    assert.equal((await view(id)).scheduledAt, first, 'kept');
    const later = new Date(g.app.ctx.clock.now() + 7_200_000).toISOString();
    assert.equal((await patch(id, { text: '【示例】您的订单已签收', scheduledAt: later })).statusCode, 200);
    assert.equal(new Date((await view(id)).scheduledAt).getTime(), Date.parse(later));
    assert.equal((await patch(id, { text: '【示例】您的订单已签收', scheduledAt: null })).statusCode, 200);
    assert.equal((await view(id)).scheduledAt, undefined, 'dropped: sent as soon as possible');
  });

  test('metrics: a replacement is counted in smsguard_replacements_total with its outcome, not as a decision (no new message)', async () => {
    await g.worker.stop();
    const metric = async (re: RegExp) => Number(re.exec((await g.http.inject({ method: 'GET', url: '/metrics' })).body)?.[1] ?? 0);
    const decisions = /^smsguard_decisions_total\{decision="accepted",code="",type="notification",channel="http"\} (\d+)$/m;
    const accepted = /^smsguard_replacements_total\{decision="accepted",code="",type="notification",channel="http"\} (\d+)$/m;
    const refused = /^smsguard_replacements_total\{decision="rejected",code="signature_missing",type="notification",channel="http"\} (\d+)$/m;
    const id = await send('13900139204');
    const before = [await metric(decisions), await metric(accepted), await metric(refused)];
    assert.equal((await patch(id, { text: '【示例】您的订单已签收' })).statusCode, 200);
    assert.equal((await patch(id, { text: '您的订单已签收' })).statusCode, 422);
    const after = [await metric(decisions), await metric(accepted), await metric(refused)];
    assert.deepEqual(after.map((n, i) => n - before[i]), [0, 1, 1]);
  });

  test('who may: another provider 403, an operator 403, an unknown id 404; what may change: not the recipient (400)', async () => {
    const id = await send('13900139202');
    assert.equal((await patch(id, { text: '【示例】别人的' }, other.auth)).statusCode, 403);
    assert.equal((await patch(id, { text: '【示例】运营商的' }, g.admin)).statusCode, 403);
    assert.equal((await patch('msg_0000000000000000000000', { text: '【示例】无' })).statusCode, 404);
    const bad = await patch(id, { text: '【示例】改号', to: '13900139999' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'to');
    assert.equal((await view(id)).text, '【示例】您的订单已发货');
  });
});

describe('PATCH /v1/messages/{id} and the early warning', () => {
  test('a refused replacement counts as a refused submission in the provider\'s rejection rate; an accepted one is no new submission', async () => {
    const g = await startTestGateway();
    const { gov, http } = await installContent(g);
    try {
      const cp = await onboard(g);
      await g.worker.stop();
      const admin = { role: 'admin' as const, actorId: 'admin' };
      const s = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13900139301', text: '【示例】您的订单已发货', type: 'notification' } });
      assert.equal(s.statusCode, 202, s.body);
      const id = s.json().id as string;
      const figures = async () => (await gov.baselineView(admin, 'provider', cp.id)).figures as Record<string, number>;
      const before = await figures();
      const refused = await http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload: { text: '您的订单已发货' } });
      assert.equal(refused.statusCode, 422, refused.body);
      const after = await figures();
      assert.deepEqual([after.submitted - before.submitted, after.rejected - before.rejected], [1, 1]);
      const ok = await http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload: { text: '【示例】您的订单已签收' } });
      assert.equal(ok.statusCode, 200, ok.body);
      const last = await figures();
      assert.deepEqual([last.submitted, last.rejected], [after.submitted, after.rejected]);
    } finally {
      await http.close();
      await g.close();
    }
  });
});
