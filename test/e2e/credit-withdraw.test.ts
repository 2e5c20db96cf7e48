/**
 * A published credit-file entry can be withdrawn (published in error, overturned on appeal): by a
 * regulator (the operator's admin only an entry the gateway made about a provider), with a reason; it leaves the public register, stays in the
 * provider's file with who, when and why, is recorded (audit credit.withdraw), and a second
 * withdrawal is 409 with its rule. The routes beside it keep their answers.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { FORM, form, webCookie } from '../helpers/web.js';

describe('withdrawing a credit-file entry', () => {
  const { g, cp } = gatewaySuite({ provider: { name: '撤回测试科技' } });
  let regulator: Record<string, string>;
  let regToken = '';
  let regId = '';

  before(async () => {
    const t = await g.app.auth.createToken('regulator', 'inspector', null, {});
    regToken = t.token;
    regId = t.id;
    regulator = { authorization: `Bearer ${t.token}` };
  });

  const addPublished = async (summary: string): Promise<string> => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, kind: 'warning', publicSummary: summary } });
    assert.equal(r.statusCode, 201, r.body);
    const id = r.json().id as string;
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${id}/publish`, headers: regulator })).statusCode, 200);
    return id;
  };
  const onRegister = async (id: string) => ((await g.http.inject({ method: 'GET', url: '/v1/credit/public?limit=1000' })).json().entries as { id: string }[]).some((e) => e.id === id);
  const withdraw = (id: string, headers: Record<string, string> | undefined, payload?: Record<string, unknown>) => g.http.inject({ method: 'POST', url: `/v1/credit/entries/${id}/withdraw`, headers, ...(payload ? { payload } : {}) });

  test('a regulator withdraws a published entry with a reason: off the public register, kept in the file with who, when and why, audited; twice is 409', async () => {
    const id = await addPublished('警告：错误公示');
    assert.equal(await onRegister(id), true);

    const none = await withdraw(id, regulator, {});
    assert.equal(none.statusCode, 400, none.body);
    assert.deepEqual([none.json().error.code, none.json().error.field, none.json().error.rule], ['invalid_request', 'reason', 'supervision.credit-withdrawal']);
    assert.match(none.json().error.article, /^rule 11/);
    assert.equal((await withdraw(id, regulator, { reason: '   ' })).statusCode, 400, 'a blank reason is none');
    assert.equal(await onRegister(id), true, 'a refused withdrawal changes nothing');

    const at = g.clock.now();
    const r = await withdraw(id, regulator, { reason: '经复议撤销' });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().withdrawal, { at, by: regId, reason: '经复议撤销' });
    assert.ok(r.json().publishedAt, 'it was published, and says so still');
    assert.equal(await onRegister(id), false, 'off the public register');

    const file = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: regulator })).json().entries as { id: string; withdrawal: unknown }[];
    assert.deepEqual(file.find((e) => e.id === id)?.withdrawal, { at, by: regId, reason: '经复议撤销' }, 'kept in the provider\'s file');
    const own = (await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: cp.auth })).json().entries as { id: string; withdrawal: unknown }[];
    assert.deepEqual(own.find((e) => e.id === id)?.withdrawal, { at, by: regId, reason: '经复议撤销' }, 'the provider reads that it was withdrawn, and why');

    const audit = (await g.store.records.queryRecords({ kind: 'audit', contentProviderId: cp.id, limit: 100 })).records.map((x) => x.body as { action: string; actor: string; entryId?: string; reason?: string });
    assert.deepEqual(audit.filter((b) => b.action === 'credit.withdraw').map((b) => [b.entryId, b.actor, b.reason]), [[id, regId, '经复议撤销']]);

    const again = await withdraw(id, regulator, { reason: '再次撤回' });
    assert.equal(again.statusCode, 409, again.body);
    assert.deepEqual([again.json().error.code, again.json().error.rule], ['conflict', 'supervision.credit-withdrawal']);
    assert.equal((await g.app.ctx.store.cases.getEntry(id))?.withdrawal?.reason, '经复议撤销', 'the first withdrawal stands');
    assert.equal((await g.store.records.queryRecords({ kind: 'audit', contentProviderId: cp.id, limit: 100 })).records.filter((x) => (x.body as { action: string }).action === 'credit.withdraw').length, 1, 'no second record');

    const republish = await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${id}/publish`, headers: regulator });
    assert.equal(republish.statusCode, 409, 'a withdrawn entry is not published again');
    assert.equal(republish.json().error.rule, 'supervision.credit-withdrawal');
  });

  test('who may: a regulator, and the admin for an entry the gateway made; a provider and the report centre are refused before the body is read; an unknown entry is 404', async () => {
    const id = await addPublished('警告：录入错误');
    const centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'clerk')).token}` };
    for (const headers of [cp.auth, centre]) {
      const r = await withdraw(id, headers, { reason: '我不认可' });
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(r.json().error.rule, 'access.role');
    }
    assert.equal((await withdraw(id, undefined, { reason: 'x' })).statusCode, 401);
    assert.equal((await withdraw('cfe_nope', regulator, { reason: 'x' })).statusCode, 404);
    assert.equal((await withdraw(id, regulator, { reason: 'x', extra: 1 })).statusCode, 400, 'a field it does not know is refused');
    // the admin may not withdraw a regulator's entry (nor one about the operator): the regulator's to withdraw
    const notAdmins = await withdraw(id, g.admin, { reason: '运营方不认可' });
    assert.equal(notAdmins.statusCode, 403, notAdmins.body);
    assert.deepEqual([notAdmins.json().error.code, notAdmins.json().error.rule], ['forbidden', 'supervision.credit-withdrawal']);
    assert.equal(await onRegister(id), true, 'still on the register');
    // ... but one the gateway itself made in error (an early-warning suspension)
    assert.equal(await g.complaints.recordEarlyWarningSuspension(cp.id, { ratePerMillion: 3 }), true);
    const sys = (await g.app.ctx.store.cases.listEntries({ subjectId: cp.id, limit: 100 })).entries.find((e) => e.kind === 'early_warning_suspension')!;
    const byAdmin = await withdraw(sys.id, g.admin, { reason: '预警误判' });
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    assert.equal(byAdmin.json().withdrawal.reason, '预警误判');
  });

  test('the credit page offers a withdraw form with a reason; withdrawing there takes the entry off the public register', async () => {
    const id = await addPublished('警告：页面撤回');
    const cookie = await webCookie(g, regToken);
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`action="/web/credit/entries/${id}/withdraw"`), 'a withdraw form for the entry');
    const refused = await g.http.inject({ method: 'POST', url: `/web/credit/entries/${id}/withdraw`, headers: { ...FORM, cookie }, payload: form({ reason: '' }) });
    assert.equal(refused.statusCode, 400, 'no reason: said on the page');
    assert.equal(await onRegister(id), true);
    const done = await g.http.inject({ method: 'POST', url: `/web/credit/entries/${id}/withdraw`, headers: { ...FORM, cookie }, payload: form({ reason: '错误公示' }) });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, '/web/credit?done=withdraw');
    assert.equal(await onRegister(id), false);
    const after = await g.http.inject({ method: 'GET', url: '/web/credit?done=withdraw', headers: { cookie } });
    assert.ok(!after.body.includes(`action="/web/credit/entries/${id}/withdraw"`), 'no second withdraw form');
    assert.ok(after.body.includes('错误公示'), 'the reason is shown with the entry');
    assert.ok(!(await g.http.inject({ method: 'GET', url: '/web/public/credit' })).body.includes('警告：页面撤回'), 'the public page leaves it out');
  });
});
