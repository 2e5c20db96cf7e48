/**
 * The review queue end to end through HTTP and the simulator: a provider under an early-warning hold
 * has its messages held (recorded, answered 202 held_for_review, never sent); an operator lists them,
 * releases one (it reaches the simulator: held → accepted → submitted → delivered) and rejects another
 * with a reason; rejections by the pipeline still win over the hold; another provider is untouched;
 * lifting the hold lets new messages through while what is still held stays held.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';
import { compileLexicon, mergeLexicons } from '../../src/content/lexicon.js';
import { DEFAULT_LEXICON_DATA } from '../../src/content/default-lexicon.js';
import { buildAnnualReport } from '../../src/app/report-annual.js';

const TEXT = (n: number) => `【示例】您的快递${n}号已到达小区驿站，请凭取件码${4000 + n}取件。`;

describe('review queue: an early-warning hold parks messages for an operator', () => {
  let g: TestGateway;
  let gov: ContentGovernance;
  let contentStore: SqliteContentStore;
  let p: Provider;
  let other: Provider;
  let hold: ActionRecord;
  const ids: string[] = [];

  const send = (who: Provider, to: string, text: string, from = '10690001') =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { from, to, text, type: 'notification' } });
  const outbox = async (to: string) => (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages as { text: string }[];
  const view = async (who: Provider, id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: who.auth })).json();

  before(async () => {
    g = await startTestGateway();
    contentStore = new SqliteContentStore(g.store.db);
    gov = await installContentGovernance(g.app, contentStore);
    p = await onboard(g);
    other = await onboard(g, { signature: '【别家】', ports: { service: '10690101' } });
    // a hold in force for p, as the monitor would place it (stored, then in the action book)
    hold = { id: 'alert_hold_1', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: { volume: 120, baseline: 6 }, at: g.clock.now() };
    await contentStore.addAction(hold);
    gov.actions.restore(hold);
  });
  after(async () => g.close());

  test('messages under the hold are recorded as held, answered 202 held_for_review and not sent', async () => {
    for (let i = 1; i <= 3; i++) {
      const r = await send(p, `1380013800${i}`, TEXT(i));
      assert.equal(r.statusCode, 202, r.body);
      const body = r.json();
      assert.equal(body.error.code, 'held_for_review');
      assert.equal(body.error.rule, 'monitor.early-warning');
      assert.match(body.error.message, /alert_hold_1/);
      ids.push(body.id);
    }
    // a message the pipeline rejects is rejected, not held
    const bad = await send(p, '13800138009', '【示例】您的验证码是123456', '10690002');
    assert.equal(bad.statusCode, 422, bad.body);
    assert.notEqual(bad.json().error.code, 'held_for_review');
    // another provider is untouched
    const ok = await send(other, '13900139001', '【别家】您的账单已出，本月应还 120.00 元，到期日 12 月 5 日。', '10690101');
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal(ok.json().status, 'accepted');

    await g.worker.drain();
    for (let i = 1; i <= 3; i++) assert.deepEqual(await outbox(`1380013800${i}`), []);
    assert.equal((await outbox('13900139001')).length, 1);
    const v = await view(p, ids[0]);
    assert.equal(v.decision, 'held');
    assert.equal(v.status, 'held');
    assert.deepEqual(v.history.map((h: { status: string }) => h.status), ['held']);
    const rec = (await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13800138001', headers: g.admin })).json().records;
    assert.equal(rec.length, 1);
    assert.equal(rec[0].body.decision, 'held');
    assert.equal(rec[0].body.code, 'held_for_review');
  });

  test('an operator lists held messages; providers see only their own and cannot decide', async () => {
    const list = await g.http.inject({ method: 'GET', url: `/v1/review-queue?contentProviderId=${p.id}`, headers: g.admin });
    assert.equal(list.statusCode, 200, list.body);
    const msgs = list.json().messages;
    assert.deepEqual(msgs.map((m: { id: string }) => m.id), ids);
    assert.equal(msgs[0].text, TEXT(1));
    assert.equal(msgs[0].to, '+8613800138001');
    assert.equal(msgs[0].from, '10690001');
    assert.deepEqual((await g.http.inject({ method: 'GET', url: `/v1/review-queue?contentProviderId=${other.id}`, headers: g.admin })).json().messages, []);
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: p.auth })).json().messages.map((m: { id: string }) => m.id), ids);
    // another provider naming this one's id is refused (access.own-data), as on every list
    const theirs = await g.http.inject({ method: 'GET', url: `/v1/review-queue?contentProviderId=${p.id}`, headers: other.auth });
    assert.equal(theirs.statusCode, 403, theirs.body);
    assert.equal(theirs.json().error.rule, 'access.own-data');
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: other.auth })).json().messages, []);
    const byProvider = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[0]}/release`, headers: p.auth, payload: {} });
    assert.equal(byProvider.statusCode, 403);
  });

  test('release: the message is sent with its text; history held → accepted → submitted → delivered; who and why recorded', async () => {
    g.clock.advance(60_000);
    const r = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[0]}/release`, headers: g.admin, payload: { reason: 'parcel notices, checked' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'accepted');
    await g.worker.drain();
    const out = await outbox('13800138001');
    assert.equal(out.length, 1);
    assert.equal(out[0].text, TEXT(1));
    // The simulator's receipt arrives on its own schedule: wait for it (bounded), then look.
    let v = await view(p, ids[0]);
    for (let i = 0; i < 200 && v.history.length < 4; i++) {
      await new Promise((res) => setTimeout(res, 10));
      v = await view(p, ids[0]);
    }
    assert.deepEqual(v.history.map((h: { status: string }) => h.status), ['held', 'accepted', 'submitted', 'delivered']);
    assert.match(v.history[1].detail, /released after review by .+: parcel notices, checked/);
    const again = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[0]}/reject`, headers: g.admin, payload: { reason: 'too late' } });
    assert.equal(again.statusCode, 404);
  });

  test('reject: a reason is required; the message is recorded as rejected and never sent', async () => {
    const noReason = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[1]}/reject`, headers: g.admin, payload: {} });
    assert.equal(noReason.statusCode, 400);
    const r = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[1]}/reject`, headers: g.admin, payload: { reason: 'recipient list bought, not customers' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'rejected');
    await g.worker.drain();
    assert.deepEqual(await outbox('13800138002'), []);
    const v = await view(p, ids[1]);
    assert.equal(v.status, 'rejected');
    assert.deepEqual(v.history.map((h: { status: string }) => h.status), ['held', 'rejected']);
    assert.match(v.history[1].detail, /recipient list bought/);
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[1]}/release`, headers: g.admin, payload: {} })).statusCode, 404);
    const audit = (await g.store.records.queryRecords({ kind: 'audit', limit: 50 })).records.map((x) => x.body as { action: string; detail?: { messageId?: string; reason?: string } });
    const acts = audit.filter((a) => a.action?.startsWith('review_queue.'));
    assert.deepEqual(acts.map((a) => a.action).sort(), ['review_queue.reject', 'review_queue.release']);
    // Filed under the provider's column too, so ?contentProviderId= (and a legal hold on it) finds them.
    const ofProvider = (await g.store.records.queryRecords({ kind: 'audit', contentProviderId: p.id, limit: 50 })).records.map((x) => (x.body as { action: string }).action);
    assert.deepEqual(ofProvider.filter((a) => a.startsWith('review_queue.')).sort(), ['review_queue.reject', 'review_queue.release']);
    assert.deepEqual((await g.http.inject({ method: 'GET', url: `/v1/review-queue?contentProviderId=${p.id}`, headers: g.admin })).json().messages.map((m: { id: string }) => m.id), [ids[2]]);
  });

  test('a held code rejected by review no longer counts against the number\'s frequency limits', async () => {
    const code = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: '13800138009', text: '【示例】您的验证码是123456', type: 'verification' } });
    const first = await code();
    assert.equal(first.json().error?.code, 'held_for_review', first.body);
    const soon = await code();
    assert.equal(soon.json().error?.code, 'frequency_exceeded', 'held, it counts like a sent one');
    const r = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${first.json().id}/reject`, headers: g.admin, payload: { reason: 'not ours' } });
    assert.equal(r.statusCode, 200, r.body);
    const again = await code();
    assert.equal(again.json().error?.code, 'held_for_review', again.body);
    const drop = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${again.json().id}/reject`, headers: g.admin, payload: { reason: 'not ours' } });
    assert.equal(drop.statusCode, 200, drop.body);
  });

  test('lifting the hold lets new messages through; what is still held stays held', async () => {
    await gov.liftAction({ role: 'admin', actorId: 'admin_test' }, hold.id);
    const r = await send(p, '13800138004', TEXT(4));
    assert.equal(r.statusCode, 202, r.body);
    assert.equal(r.json().status, 'accepted');
    await g.worker.drain();
    assert.equal((await outbox('13800138004')).length, 1);
    assert.deepEqual(await outbox('13800138003'), []);
    assert.equal((await view(p, ids[2])).status, 'held');
    // released after the lift, it goes out too
    const rel = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${ids[2]}/release`, headers: g.admin });
    assert.equal(rel.statusCode, 200, rel.body);
    await g.worker.drain();
    assert.equal((await outbox('13800138003')).length, 1);
  });

  test('a provider suspended while its message waited: the release is refused and the message stays held', async () => {
    const h2: ActionRecord = { id: 'alert_hold_2', scope: 'provider', key: other.id, contentProviderId: other.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: {}, at: g.clock.now() };
    await contentStore.addAction(h2);
    gov.actions.restore(h2);
    const r = await send(other, '13900139002', '【别家】您的账单已出，本月应还 80.00 元。', '10690101');
    assert.equal(r.json().error?.code, 'held_for_review', r.body);
    const s = await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${other.id}`, headers: g.admin, payload: { status: 'suspended', reason: 'complaints' } });
    assert.equal(s.statusCode, 200, s.body);
    const rel = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${r.json().id}/release`, headers: g.admin, payload: { reason: 'ok' } });
    assert.equal(rel.statusCode, 422, rel.body);
    assert.equal(rel.json().error.code, 'sender_suspended');
    assert.equal(rel.json().error.rule, 'sender.active', 'the pipeline stage decides the release');
    assert.ok(rel.json().error.article);
    assert.equal((await view(other, r.json().id)).status, 'held');
    const rej = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${r.json().id}/reject`, headers: g.admin, payload: { reason: 'provider suspended' } });
    assert.equal(rej.statusCode, 200, rej.body);
  });
});

describe('review queue: a held commercial message is judged again at release', () => {
  let g: TestGateway;
  let gov: ContentGovernance;
  let p: Provider;
  let n = 0;
  const promo = '【示例】会员日全场八折，拒收请回复R';

  /** A consent for a fresh number, then a commercial message to it that the hold parks. */
  async function held(): Promise<{ to: string; id: string; consentId: string }> {
    const to = `1370013${String(7000 + n++).padStart(4, '0')}`;
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: p.auth, payload: {
      msisdn: to, category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z',
      proof: { channel: 'web', reference: `form-${to}`, capturedAt: '2026-11-01T10:00:00Z' },
    } });
    assert.equal(c.statusCode, 201, c.body);
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690002', to, text: promo, type: 'commercial', category: 'promo' } });
    assert.equal(r.json().error?.code, 'held_for_review', r.body);
    return { to, id: r.json().id, consentId: c.json().id };
  }
  const release = (id: string) => g.http.inject({ method: 'POST', url: `/v1/review-queue/${id}/release`, headers: g.admin, payload: { reason: 'reviewed' } });

  before(async () => {
    g = await startTestGateway();
    const contentStore = new SqliteContentStore(g.store.db);
    gov = await installContentGovernance(g.app, contentStore);
    p = await onboard(g);
    const h: ActionRecord = { id: 'alert_hold_c', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: {}, at: g.clock.now() };
    await contentStore.addAction(h);
    gov.actions.restore(h);
  });
  after(async () => g.close());

  test('the number joined the do-not-disturb list while it waited: refused, opted_out, still held', async () => {
    const m = await held();
    const d = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [m.to], source: 'user request' } });
    assert.equal(d.statusCode, 200, d.body);
    const r = await release(m.id);
    assert.equal(r.statusCode, 422, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.rule], ['opted_out', 'commercial.opt-out']);
    assert.match(r.json().error.message, /do-not-disturb/);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/messages/${m.id}`, headers: p.auth })).json().status, 'held');
  });

  test('the number replied TD while it waited: refused, opted_out', async () => {
    const m = await held();
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: m.to, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    const r = await release(m.id);
    assert.equal(r.statusCode, 422, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.rule], ['opted_out', 'commercial.opt-out']);
    assert.doesNotMatch(r.json().error.message, /do-not-disturb/);
  });

  test('the consent was withdrawn while it waited: refused, consent_missing', async () => {
    const m = await held();
    const w = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${m.consentId}`, headers: p.auth });
    assert.equal(w.statusCode, 204, w.body);
    const r = await release(m.id);
    assert.equal(r.statusCode, 422, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.rule], ['consent_missing', 'commercial.consent']);
    // it names the consent withdrawn, as a submission's refusal does
    assert.match(r.json().error.message, new RegExp(`^no consent from this number for category promo: consent ${m.consentId} was withdrawn at .*: the held message cannot be released`));
  });

  test('released at night: refused with quiet_hours; released the next morning: sent', async () => {
    const m = await held();
    g.clock.set(Date.parse('2026-11-30T22:30:00+08:00'));
    const night = await release(m.id);
    assert.equal(night.statusCode, 422, night.body);
    assert.deepEqual([night.json().error.code, night.json().error.rule], ['quiet_hours', 'commercial.quiet-hours']);
    assert.match(night.json().error.message, /within the sending hours/);
    g.clock.set(Date.parse('2026-12-01T09:00:00+08:00'));
    const morning = await release(m.id);
    assert.equal(morning.statusCode, 200, morning.body);
    await g.worker.drain();
    const out = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${m.to}` })).json().messages as { text: string }[];
    assert.deepEqual(out.map((x) => x.text), [promo]);
    // The user who got it complains: the case is matched to the released message.
    g.clock.set(Date.parse('2026-12-01T09:30:00+08:00'));
    const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: m.to, sender: '10690002', text: promo } });
    assert.equal(c.statusCode, 201, c.body);
    assert.deepEqual([c.json().matchedMessageId, c.json().contentProviderId], [m.id, p.id]);
    // The annual report counts it as sent (December, the month of its release); the three messages of
    // the tests above are still held and count with the rejections under held_for_review.
    const report = await buildAnnualReport(g.app.ctx, p.id, 2026);
    assert.equal(report.totals.byClass.commercial, 1);
    assert.equal(report.consent.commercialAccepted, 1);
    assert.equal(report.months[11].accepted.commercial, 1);
    assert.deepEqual(report.rejections, [{ code: 'held_for_review', count: 3 }]);
  });
});

describe('review queue: a lexicon category of severity review holds message by message', () => {
  let g: TestGateway;
  let p: Provider;
  before(async () => {
    g = await startTestGateway();
    const lexicon = compileLexicon(mergeLexicons(DEFAULT_LEXICON_DATA, { categories: { pyramid: { label: '传销', severity: 'review', terms: ['拉人头返利'] } } }));
    await installContentGovernance(g.app, new SqliteContentStore(g.store.db), { lexicon });
    p = await onboard(g);
  });
  after(async () => g.close());

  test('review content is held (rule content.prohibited), ordinary content passes, block content is rejected', async () => {
    const send = (to: string, text: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to, text, type: 'notification' } });
    const held = await send('13700137001', '【示例】您咨询的拉人头返利项目资料已发送至邮箱，请查收。');
    assert.equal(held.statusCode, 202, held.body);
    assert.equal(held.json().error.code, 'held_for_review');
    assert.equal(held.json().error.rule, 'content.prohibited');
    assert.match(held.json().error.message, /传销/);
    assert.doesNotMatch(held.json().error.message, /拉人头返利/, 'never echoes the matched term');
    const ok = await send('13700137002', TEXT(7));
    assert.equal(ok.json().status, 'accepted', ok.body);
    const blocked = await send('13700137003', '【示例】代开发票，联系我们。');
    assert.equal(blocked.statusCode, 422, blocked.body);
    assert.equal(blocked.json().error.code, 'prohibited_content');
    const list = (await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: g.admin })).json().messages;
    assert.deepEqual(list.map((m: { id: string }) => m.id), [held.json().id]);
  });
});
