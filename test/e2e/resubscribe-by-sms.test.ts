/**
 * Re-subscribing by SMS: a number that opted out replies a re-subscribe keyword (`订阅`…) to the
 * provider's port and its opt-out is lifted, as an operator's lift would, with the reply as evidence.
 * It restores no consent: the consents given before the opt-out stay withdrawn (docs/CONSENT.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';

const to = '13900139321';
const port = '10690002';
const promo = { from: port, to, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' };
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

test('TD, a promotion refused, 订阅 lifts the opt-out; the consent given before the TD stays withdrawn, one given after counts', async () => {
  await withGateway(async (g, cp) => {
    const mo = async (text: string, dest = port) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: dest, text } })).json();
    const send = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo });
    const consent = (ref: string) => g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 90 * 86_400_000).toISOString(), proof: { channel: 'web', reference: ref, capturedAt: new Date(g.clock.now()).toISOString() } } });
    const forwarded: string[] = [];
    g.app.events.on('moForward', (m) => forwarded.push(`${m.text}:${m.notice?.action ?? 'reply'}`));

    // A consent, a send under it; then the user refuses.
    assert.equal((await consent('form-before')).statusCode, 201);
    assert.equal((await send()).statusCode, 202);
    await g.clock.advance(60_000);
    assert.equal((await mo('TD')).action, 'opt_out');
    assert.equal((await send()).json().error.code, 'opted_out');

    // The user's own reply to the provider's port lifts the opt-out (folded: width, case, punctuation).
    await g.clock.advance(60_000);
    const liftAt = g.clock.now();
    const lifted = await mo('订阅。');
    assert.equal(lifted.action, 'opt_in', JSON.stringify(lifted));
    assert.equal(lifted.contentProviderId, cp.id);
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), false);
    assert.deepEqual(forwarded, ['TD:opted_out', '订阅。:resubscribed'], 'a keyword reply is handled by the gateway and the provider told what it did (as TD)');

    // The consent given before the TD is not reinstated: the lift restores no consent.
    assert.equal((await send()).json().error.code, 'consent_missing');
    // One given after the lift counts.
    assert.equal((await consent('form-after')).statusCode, 201);
    assert.equal((await send()).statusCode, 202);

    // Visible: the MO's record (action opt_in), the opt_in subscription record with the reply as
    // evidence, and one free confirmation.
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.deepEqual(sub.optOuts, []);
    const optIn = sub.events.filter((e: Json) => e.event === 'opt_in');
    assert.equal(optIn.length, 1);
    assert.equal(optIn[0].channel, 'sms');
    assert.equal(optIn[0].contentProviderId, cp.id);
    assert.deepEqual(optIn[0].evidence.request, { channel: 'sms', reference: lifted.id, capturedAt: new Date(liftAt).toISOString() });
    assert.equal(optIn[0].evidence.moId, lifted.id);
    assert.equal(optIn[0].evidence.text, '订阅。');
    assert.equal(optIn[0].evidence.reason, 'resubscribe_reply');
    const before = sub.consents.find((c: Json) => c.proof?.reference === 'form-before');
    assert.ok(before.withdrawnAt, 'still withdrawn by the opt-out');
    await g.worker.drain();
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records as Json[];
    const moRec = recs.filter((r) => r.kind === 'mo' && r.id === lifted.id);
    assert.equal(moRec.length, 1);
    assert.equal(moRec[0].body.action, 'opt_in');
    const conf = recs.filter((r) => r.kind === 'mt' && r.body.purpose === 'opt_in_confirmation');
    assert.equal(conf.length, 1);
    assert.equal(conf[0].body.charged, false);

    // Refusal is as easy again: TD opts out at once.
    assert.equal((await mo('td')).action, 'opt_out');
    assert.equal((await send()).json().error.code, 'opted_out');
    // And the consent given after the first lift was withdrawn by this second opt-out: 订阅 restores none.
    assert.equal((await mo('START')).action, 'opt_in');
    assert.equal((await send()).json().error.code, 'consent_missing');
  });
});

test('nothing to lift: an ordinary reply, forwarded; more than the keyword is not one; 取消订阅 refuses; only the keyword lifts', async () => {
  await withGateway(async (g, cp) => {
    const forwarded: string[] = [];
    g.app.events.on('moForward', (m) => forwarded.push(`${m.text}:${m.notice?.action ?? 'reply'}`));
    const mo = async (text: string) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text } })).json();
    // Not opted out: 订阅 is an ordinary reply (the provider may run its own 订阅 service), no opt_in.
    assert.equal((await mo('订阅')).action, 'forwarded');
    assert.deepEqual(forwarded, ['订阅:reply']);
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(sub.events.filter((e: Json) => e.event === 'opt_in').length, 0);
    // Opted out: a reply with more than the keyword is forwarded and lifts nothing; 取消订阅 is a refusal.
    assert.equal((await mo('退订')).action, 'opt_out');
    for (const t of ['我要订阅', '订阅号', 'start now']) assert.equal((await mo(t)).action, 'forwarded', t);
    assert.equal((await mo('取消订阅')).action, 'opt_out');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), true);
    // The keyword alone lifts it, once: a repeat finds nothing to lift and is forwarded.
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/refusal-phrases', headers: g.admin })).json().resubscribeKeywords, ['订阅', '重新订阅', 'SUBSCRIBE', 'START']);
    assert.equal((await mo('重新订阅')).action, 'opt_in');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), false);
    assert.equal((await mo('订阅')).action, 'forwarded');
    // the provider is told every reply: the ordinary ones as replies, the ones acted on with what was done
    assert.deepEqual(forwarded, ['订阅:reply', '退订:opted_out', '我要订阅:reply', '订阅号:reply', 'start now:reply', '取消订阅:opted_out', '重新订阅:resubscribed', '订阅:reply']);
  });
});

test('to an extension of the port (扩展码), the holder’s opt-out is lifted', async () => {
  await withGateway(async (g, cp) => {
    const mo = async (text: string, dest: string) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: dest, text } })).json();
    assert.equal((await mo('TD', `${port}88`)).action, 'opt_out');
    assert.equal((await mo('subscribe', `${port}88`)).action, 'opt_in');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), false);
  });
});

test('the DND list is untouched: a listed number that re-subscribes is still refused', async () => {
  await withGateway(async (g, cp) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: 'TD' } });
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [to] } })).statusCode, 200);
    const r = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: '订阅' } })).json();
    assert.equal(r.action, 'opt_in');
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 86_400_000).toISOString(), proof: { channel: 'web', reference: 'f', capturedAt: new Date(g.clock.now()).toISOString() } } });
    assert.equal(c.statusCode, 201);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo })).json().error.code, 'opted_out');
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.ok(sub.doNotDisturb, JSON.stringify(sub));
  });
});

test('off (resubscribeKeywords: []): 订阅 is forwarded and the opt-out stands', async () => {
  await withGateway({ overrides: { resubscribeKeywords: [] } }, async (g, cp) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: 'TD' } });
    const r = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: '订阅' } })).json();
    assert.equal(r.action, 'forwarded');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), true);
    // What is in force is shown with the refusal keywords and phrases.
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/refusal-phrases', headers: g.admin })).json().resubscribeKeywords, []);
  });
});

test('a refusal wins over an operator keyword list that overlaps it (T listed as a re-subscribe keyword)', async () => {
  await withGateway({ overrides: { resubscribeKeywords: ['订阅', 'T'] } }, async (g, cp) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: 'TD' } });
    const r = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text: 'T' } })).json();
    assert.equal(r.action, 'opt_out');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), true);
  });
});
