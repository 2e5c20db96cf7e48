/** Group commit: concurrent submissions share one transaction and still judge each other's effects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../../helpers/gateway.js';

test('concurrent submits of one turn share a transaction; rules still see earlier items of the group', async () => {
  await withGateway(async (g, cp) => {
    const p = { role: 'content-provider' as const, contentProviderId: cp.id, actorId: 't' };
    let transactions = 0;
    const orig = g.store.messages.decideAndRecord.bind(g.store.messages);
    g.store.messages.decideAndRecord = (items, decide) => {
      transactions++;
      return orig(items, decide);
    };
    const code = { from: '10690001', to: '13800138000', text: '【示例】验证码123456', type: 'verification' };
    const notes = Array.from({ length: 20 }, (_, i) => ({ from: '10690001', to: `1390000${String(i).padStart(4, '0')}`, text: '【示例】您的账单已出', type: 'notification' }));
    const results = await Promise.all([
      g.app.submitMessage(p, code, 'http'),
      g.app.submitMessage(p, code, 'http'),
      ...notes.map((n) => g.app.submitMessage(p, n, 'http')),
      // (another text than notes[0]'s: the same one again within 30 s is duplicate_content, content.duplicate)
      g.app.submitMessages(p, [{ ...notes[0], text: '【示例】您的账单已出，请查收' }, { ...notes[1], to: 'bad' }], 'http'),
    ]);
    assert.equal(transactions, 1, 'one transaction for the whole turn');
    assert.equal(g.app.ctx.commit!.maxGroup, 24);
    const [a, b] = results as { ok: boolean; error?: { code: string } }[];
    assert.deepEqual([a.ok, b.ok].sort(), [false, true], 'the second code to the same number within a minute is refused');
    assert.equal((a.ok ? b : a).error!.code, 'frequency_exceeded');
    const batch = results[results.length - 1] as { ok: boolean; error?: { code: string } }[];
    assert.equal(batch[0].ok, true);
    assert.equal(batch[1].error!.code, 'invalid_msisdn');
    // every caller resolved only after the commit: its record is readable
    for (const r of results.slice(2, 22) as { ok: true; id: string }[]) assert.ok(await g.store.messages.getMessage(r.id));
  });
});

test('a store failure rejects every caller of the group and the next group works', async () => {
  await withGateway(async (g, cp) => {
    const p = { role: 'content-provider' as const, contentProviderId: cp.id, actorId: 't' };
    const orig = g.store.messages.decideAndRecord.bind(g.store.messages);
    let fail = true;
    g.store.messages.decideAndRecord = (items, decide) => (fail ? Promise.reject(new Error('disk full')) : orig(items, decide));
    const msg = { from: '10690001', to: '13800138000', text: '【示例】您的账单已出', type: 'notification' };
    const settled = await Promise.allSettled([g.app.submitMessage(p, msg, 'http'), g.app.submitMessage(p, msg, 'http')]);
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected']);
    fail = false;
    assert.equal((await g.app.submitMessage(p, msg, 'http')).ok, true);
  });
});
