/**
 * Complaint measures that act (issue 7): `throttle` places an operator throttle in content
 * governance's action book (enforced by `monitor.early-warning`, lifted by the operator's route),
 * `block_template` rejects the approved template the complained-of message used; without content
 * governance both are recorded only. And the receipt an SMS reporter gets from the report port, on
 * the operator's account.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { gatewaySuite, startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { installContent, preferredParcelTemplate } from '../helpers/content.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/domain/case.js';
import { App } from '../../src/app/app.js';

type Json = Record<string, any>;

async function centreToken(g: TestGateway): Promise<Record<string, string>> {
  const { token } = await g.app.auth.createToken('report-centre', 'centre clerk');
  return { authorization: `Bearer ${token}` };
}

/** Files a complaint about `text` from `port` to `user` and forwards it to the provider. */
async function forwardedCase(http: FastifyInstance, centre: Record<string, string>, user: string, port: string, text: string): Promise<Json> {
  const r = await http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: port, text, request: '不要再发' } });
  assert.equal(r.statusCode, 201, r.body);
  const fw = await http.inject({ method: 'POST', url: `/v1/cases/${r.json().id}/transitions`, headers: centre, payload: { action: 'forward' } });
  assert.equal(fw.statusCode, 200, fw.body);
  return r.json();
}

describe('complaint measures with content governance installed', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let cp: Provider;
  let centre: Record<string, string>;
  let templateId: string;
  const user = '13800138201';
  const parcel = '【示例】您的快递已到达东门驿站，请及时领取。';

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    cp = await onboard(g);
    centre = await centreToken(g);
    templateId = await preferredParcelTemplate(http, g, cp);
  });
  after(async () => {
    await http.close();
    await g.close();
  });

  const send = (text = '【示例】您的快递已到达西门驿站，请及时领取。') =>
    http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138299', text, type: 'notification' } });

  test('throttle and block_template act: an operator throttle linked to the case, the used template rejected', async () => {
    const m = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: user, text: parcel, type: 'notification' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    const f = await forwardedCase(http, centre, user, '10690001', '您的快递已到达东门驿站');
    assert.equal(f.matchedMessageId, m.json().id);

    const bad = await http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'answer', text: 'x', finding: 'confirmed', measures: [{ kind: 'throttle', perSecond: 0 }] } });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'measures/0/perSecond');

    const ans = await http.inject({
      method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin,
      payload: { action: 'answer', text: '经核实属实，已限制发送并停用该模板。', finding: 'confirmed', measures: [{ kind: 'throttle', perSecond: 1 }, { kind: 'block_template' }] },
    });
    assert.equal(ans.statusCode, 200, ans.body);

    const detail = (await http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json();
    const throttle = detail.measures.find((x: Json) => x.kind === 'throttle');
    assert.equal(throttle.detail.perSecond, 1);
    assert.match(throttle.detail.actionId, /\S/);
    assert.match(throttle.detail.applied, /throttled to 1 messages a second/);
    const block = detail.measures.find((x: Json) => x.kind === 'block_template');
    assert.equal(block.detail.templateId, templateId, 'the template the matched message used');
    assert.match(block.detail.applied, /noted by the template stage/);
    assert.ok(detail.events.some((e: Json) => e.kind === 'measure' && e.detail.actionId === throttle.detail.actionId));

    // The throttle is in the action book, linked to the case.
    const acts = (await http.inject({ method: 'GET', url: '/v1/early-warning/actions', headers: g.admin })).json().actions as Json[];
    const act = acts.find((a) => a.id === throttle.detail.actionId);
    assert.ok(act, JSON.stringify(acts));
    assert.equal(act!.rule, `complaint:${f.id}`);
    assert.equal(act!.contentProviderId, cp.id);
    assert.deepEqual(act!.action, { kind: 'throttle', perSecond: 1 });

    // The template is rejected, naming the case.
    const tpl = (await http.inject({ method: 'GET', url: `/v1/templates/${templateId}`, headers: cp.auth })).json();
    assert.equal(tpl.status, 'rejected');
    assert.ok(tpl.reason.includes(f.reference), tpl.reason);

    // Enforced by the admission stage: one message a second (the simulated clock stands still).
    assert.equal((await send()).statusCode, 202);
    const second = await send();
    assert.equal(second.statusCode, 429, second.body);
    assert.equal(second.json().error.code, 'throttled');
    assert.equal(second.json().error.rule, 'monitor.early-warning');
    assert.ok(second.json().error.message.includes(act!.id));

    // Stored, so a restart keeps it in force (a second app on the same database restores it).
    const restarted = await installContentGovernance(new App({ store: g.store, clock: g.clock, profile: g.app.ctx.profile }), new SqliteContentStore(g.store.db));
    assert.equal(restarted.actions.active('provider', cp.id)?.id, act!.id);

    // The operator lifts it through the existing route; sending is free again.
    const lift = await http.inject({ method: 'POST', url: `/v1/early-warning/actions/${act!.id}/lift`, headers: g.admin });
    assert.equal(lift.statusCode, 200, lift.body);
    // (30 s apart: the same text to the number within 30 s is duplicate_content, rule content.duplicate)
    g.clock.advance(30_000);
    assert.equal((await send()).statusCode, 202);
    g.clock.advance(30_000);
    assert.equal((await send()).statusCode, 202);
  });

  test('a provider may block its template but not throttle itself; an unknown template is recorded, not applied', async () => {
    const m = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138202', text: '【示例】您的账单已出，请登录查看。', type: 'notification' } });
    assert.equal(m.statusCode, 202, m.body);
    const f = await forwardedCase(http, centre, '13800138202', '10690001', '您的账单已出');
    const self = await http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: 'x', finding: 'confirmed', measures: [{ kind: 'throttle' }] } });
    assert.equal(self.statusCode, 403);
    const ans = await http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: '已核实。', finding: 'confirmed', measures: [{ kind: 'block_template' }] } });
    assert.equal(ans.statusCode, 200, ans.body);
    const detail = (await http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: cp.auth })).json();
    const block = detail.measures.find((x: Json) => x.kind === 'block_template');
    assert.equal(block.detail.templateId, undefined);
    assert.match(block.detail.applied, /no approved template/);
  });
});

describe('complaint measures without content governance, and the SMS receipt', () => {
  const { g, cp } = gatewaySuite();
  let centre: Record<string, string>;
  const user = '13800138301';

  before(async () => {
    centre = await centreToken(g);
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: user, text: '【示例】您的快递已到达东门驿站', type: 'notification' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
  });

  test('throttle and block_template are recorded and say that content governance is not installed', async () => {
    const f = await forwardedCase(g.http, centre, user, '10690001', '快递已到达东门驿站');
    const ans = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'answer', text: '已处理。', finding: 'confirmed', measures: [{ kind: 'throttle', perSecond: 5 }, { kind: 'block_template' }] } });
    assert.equal(ans.statusCode, 200, ans.body);
    const detail = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json();
    for (const kind of ['throttle', 'block_template']) {
      const ev = detail.events.find((e: Json) => e.kind === 'measure' && e.reason === kind);
      assert.ok(ev, kind);
      assert.match(ev.detail.applied, /recorded only: content governance is not installed/);
    }
    assert.equal(detail.measures.find((x: Json) => x.kind === 'throttle').detail.perSecond, 5);
    // nothing enforces it: the provider still sends
    const again = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: user, text: '【示例】您的快递已到达西门驿站', type: 'notification' } });
    assert.equal(again.statusCode, 202, again.body);
  });

  test('an SMS report gets a receipt with the case reference from the report port, on the operator account, uncharged', async () => {
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text: '举报 10690001 您的快递已到达东门驿站' } });
    assert.ok(mo.statusCode < 300, mo.body);
    const list = (await g.http.inject({ method: 'GET', url: `/v1/cases?msisdn=${user}`, headers: centre })).json().cases as Json[];
    const sms = list.find((c) => c.source === 'sms');
    assert.ok(sms, 'case opened from SMS');
    const detail = (await g.http.inject({ method: 'GET', url: `/v1/cases/${sms!.id}`, headers: centre })).json();
    const note = detail.events.find((e: Json) => e.kind === 'note' && e.detail.from === '12321');
    assert.ok(note, JSON.stringify(detail.events));
    const msgId = note.detail.messageId as string;

    await g.worker.drain();
    const out = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${user}` })).json().messages as Json[];
    const receipt = out.find((m) => m.from === '12321');
    assert.ok(receipt, 'the receipt reached the user');
    assert.ok(receipt!.text.includes(sms!.reference), receipt!.text);
    assert.match(receipt!.text, /查询码[0-9a-f]{8}/);

    // the receipt from the simulator arrives on setImmediate: wait for it (bounded)
    let view = await g.http.inject({ method: 'GET', url: `/v1/messages/${msgId}`, headers: g.admin });
    for (let i = 0; i < 200 && view.json().status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      view = await g.http.inject({ method: 'GET', url: `/v1/messages/${msgId}`, headers: g.admin });
    }
    assert.equal(view.statusCode, 200, view.body);
    assert.equal(view.json().contentProviderId, OPERATOR_ACCOUNT_ID);
    assert.equal(view.json().status, 'delivered');
    // the statutory record: the operator's own message, never charged
    const recs = (await g.app.ctx.store.records.queryRecords({ msisdn: `+86${user}`, limit: 50 })).records.filter((r) => r.id === msgId || r.id.startsWith(`${msgId}:`));
    const mt = recs.find((r) => r.kind === 'mt')!;
    assert.ok(mt, 'the receipt is in the records');
    assert.equal(mt.contentProviderId, OPERATOR_ACCOUNT_ID);
    assert.equal(mt.body.charged, false);
    assert.equal(mt.body.purpose, 'complaint_receipt');
    assert.ok(recs.some((r) => r.kind === 'status' && r.contentProviderId === OPERATOR_ACCOUNT_ID), 'status records under the same account');

    // the provider never sees the operator's message
    const foreign = await g.http.inject({ method: 'GET', url: `/v1/messages/${msgId}`, headers: cp.auth });
    assert.equal(foreign.statusCode, 403);
  });
});
