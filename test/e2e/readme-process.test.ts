/**
 * The README's five minutes with curl, against `smsguard start` as `npm start` runs it: its own
 * process, SQLite files, the simulator SMSC behind SMPP on a loopback port, HTTP on a port of its own.
 * walkthrough.test.ts covers the same steps in process with the simulator wired directly; this one
 * catches what only the default composition does (the SMPP client sends numbers as `86…`, and the
 * simulator's outbox must still answer `?to=13800138000`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';
import { validCreditCode } from '../helpers/gateway.js';
import { SmppEsme } from '../../src/smpp/client/index.js';
import { Tag, decodeText, encodeText, parseDlrText, smDefaults, tlvCString, tlvString, type SmPdu } from '../../src/smpp/pdu/index.js';
import { stopProcess } from '../helpers/process.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ADMIN = 'sga_readme_process_test_admin_token_0001';
const dir = mkdtempSync(join(tmpdir(), 'smsguard-readme-'));
let proc: ChildProcess;
let base = '';
let smppPort = 0;
let out = '';

before(async () => {
  proc = spawn(process.execPath, [BIN, 'start', '--db', join(dir, 'smsguard.db'), '--http-port', '0', '--smpp-port', '0', '--clock', 'simulated'], {
    env: { ...process.env, SMSGUARD_ADMIN_TOKEN: ADMIN, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  base = await waitFor(() => /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 60_000, 'the start-up banner').catch((e: Error) => {
    throw new Error(`${e.message}; the process said: ${out.slice(0, 2000)}`);
  });
  smppPort = Number(/SMPP server\s+127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  // Messages sent before the simulator link has bound wait in the queue; the tests poll for them.
  await waitFor(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 10_000, 'healthz');
});

after(async () => {
  await stopProcess(proc);
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

test('npm start: onboard, a code reaches the simulator, a second is refused, consent, TD, opted_out, records', async () => {
  await call('POST', '/v1/simulator/clock', undefined, { set: '2026-12-01T10:00:00+08:00' });
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
  assert.equal(cp.status, 201, JSON.stringify(cp.json));
  const { id, apiKey } = cp.json as { id: string; apiKey: string };
  assert.equal((await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例】' })).status, 201);
  assert.equal((await call('POST', '/v1/ports', ADMIN, { number: '10690001', contentProviderId: id, kind: 'service' })).status, 201);
  assert.equal((await call('POST', '/v1/ports', ADMIN, { number: '10690002', contentProviderId: id, kind: 'commercial' })).status, 201);

  const code = '【示例】您的验证码是123456，5分钟内有效。';
  const sent = await call('POST', '/v1/messages', apiKey, { from: '10690001', to: '13800138000', text: code, type: 'verification' });
  assert.equal(sent.status, 202, JSON.stringify(sent.json));
  // The README's query: the number as the user typed it.
  const seen = await waitFor(async () => {
    const o = await call('GET', '/v1/simulator/outbox?to=13800138000');
    return (o.json.messages as { text: string; to: string; upstreamId: string; messageId: string }[]).find((m) => m.text === code);
  }, 10_000, 'the code in the simulator outbox');
  assert.equal(seen.to, '+8613800138000');
  const status = await waitFor(async () => {
    const m = await call('GET', `/v1/messages/${sent.json.id}`, apiKey);
    return m.json.status === 'delivered' ? m.json : undefined;
  }, 10_000, 'the delivery receipt');
  assert.ok((status.verdicts as unknown[]).length > 0);
  // As the README says: the outbox names the submit by the SMSC's ids; the message's `submitted`
  // status record carries the same upstreamId, and messageId is the simulator's, not smsguard's.
  const submitted = await call('GET', `/v1/records?kind=status&msisdn=13800138000`, ADMIN);
  const rec = (submitted.json.records as { id: string; body: { status: string; upstreamId?: string } }[]).find((r) => r.id === `${sent.json.id}:submitted`);
  assert.equal(rec?.body.upstreamId, seen.upstreamId);
  assert.match(seen.messageId, /^smpp-\d+$/);

  const again = await call('POST', '/v1/messages', apiKey, { from: '10690001', to: '13800138000', text: code, type: 'verification' });
  assert.equal(again.status, 422);
  assert.deepEqual([again.json.error.code, again.json.error.rule, again.json.error.profile], ['frequency_exceeded', 'verification.frequency', 'cn-2015']);

  const consent = await call('POST', '/v1/consents', apiKey, {
    msisdn: '13800138000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z',
    proof: { channel: 'web', reference: 'signup-form-7781', capturedAt: '2026-11-01T10:00:00Z' },
  });
  assert.equal(consent.status, 201, JSON.stringify(consent.json));
  const promo = await call('POST', '/v1/messages', apiKey, { from: '10690002', to: '13800138000', text: '【示例】会员日全场八折', type: 'commercial', category: 'promo' });
  assert.equal(promo.status, 202, JSON.stringify(promo.json));
  // the README's output line: the notice as its own clause
  assert.equal(promo.json.text, '【示例】会员日全场八折拒收请回复R');
  assert.equal(promo.json.segments, 1);

  const mo = await call('POST', '/v1/simulator/mo', undefined, { from: '13800138000', to: '10690002', text: 'TD' });
  assert.equal(mo.json.action, 'opt_out');
  const refused = await call('POST', '/v1/messages', apiKey, { from: '10690002', to: '13800138000', text: '【示例】会员日全场八折', type: 'commercial', category: 'promo' });
  assert.equal(refused.status, 422);
  assert.equal(refused.json.error.code, 'opted_out');
  // The free confirmation of the opt-out reaches the number too.
  await waitFor(async () => {
    const o = await call('GET', '/v1/simulator/outbox?to=%2B8613800138000');
    return (o.json.messages as { text: string }[]).find((m) => m.text.includes('退订')) ? true : undefined;
  }, 10_000, 'the opt-out confirmation');

  const recs = await call('GET', '/v1/records?msisdn=13800138000', ADMIN);
  assert.equal(recs.status, 200);
  const kinds = new Set((recs.json.records as { kind: string }[]).map((r) => r.kind));
  for (const k of ['mt', 'status', 'mo', 'subscription']) assert.ok(kinds.has(k), `records of kind ${k}: ${[...kinds].join(',')}`);
});

test('npm start: a consent request reaches the number over SMPP and its 是 grants the consent (README, Consent and refusal)', async () => {
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例二科技有限公司', creditCode: await validCreditCode() });
  assert.equal(cp.status, 201, JSON.stringify(cp.json));
  const { id, apiKey } = cp.json as { id: string; apiKey: string };
  await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例二】' });
  await call('POST', '/v1/ports', ADMIN, { number: '10690003', contentProviderId: id, kind: 'commercial' });
  const req = await call('POST', '/v1/consent-requests', apiKey, { from: '10690003', to: '13900139000', category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 });
  assert.equal(req.status, 202, JSON.stringify(req.json));
  const asked = await waitFor(async () => {
    const o = await call('GET', '/v1/simulator/outbox?to=13900139000');
    return (o.json.messages as { text: string; from: string }[]).find((m) => m.from === '10690003');
  }, 10_000, 'the consent request at the simulator');
  assert.match(asked.text, /每月不超过4条/);
  await call('POST', '/v1/simulator/mo', undefined, { from: '13900139000', to: '10690003', text: '是' });
  const sub = await waitFor(async () => {
    const s = await call('GET', '/v1/subscribers/13900139000', ADMIN);
    return JSON.stringify(s.json).includes('会员促销') && (s.json.consents as { contentProviderId: string }[] | undefined)?.some((c) => c.contentProviderId === id) ? s.json : undefined;
  }, 10_000, 'the granted consent');
  assert.ok(sub);
});

test('npm start: a batch, OpenAPI, health and metrics on the one port', async () => {
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例三科技有限公司', creditCode: await validCreditCode() });
  const { id, apiKey } = cp.json as { id: string; apiKey: string };
  await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例三】' });
  await call('POST', '/v1/ports', ADMIN, { number: '10690004', contentProviderId: id, kind: 'service' });
  const batch = await call('POST', '/v1/messages/batch', apiKey, {
    messages: [
      { from: '10690004', to: '13700137000', text: '【示例三】您的订单已发货。', type: 'notification' },
      { from: '10690004', to: '12345', text: '【示例三】您的订单已发货。', type: 'notification' },
    ],
  });
  assert.equal(batch.status, 200, JSON.stringify(batch.json));
  const [ok, bad] = batch.json.results as { status?: string; error?: { code: string } }[];
  assert.equal(ok.status, 'accepted');
  assert.equal(bad.error?.code, 'invalid_msisdn');
  await waitFor(async () => {
    const o = await call('GET', '/v1/simulator/outbox?to=13700137000');
    return (o.json.messages as unknown[]).length === 1 ? true : undefined;
  }, 10_000, 'the batch message at the simulator');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const spec = await fetch(`${base}/docs/json`);
  assert.equal(spec.status, 200);
  assert.ok(((await spec.json()) as { paths: Record<string, unknown> }).paths['/v1/messages/batch']);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^# HELP /m);
  // Metrics never carry a full number (README, Privacy).
  assert.doesNotMatch(metrics, /13700137000|13800138000/);
});

test('npm start: a provider binds to the SMPP port with credentials made over HTTP, submits, gets its receipt and an MO', async () => {
  assert.ok(smppPort > 0, out.slice(0, 800));
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例四科技有限公司', creditCode: await validCreditCode() });
  const { id } = cp.json as { id: string };
  await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例四】' });
  await call('POST', '/v1/ports', ADMIN, { number: '10690005', contentProviderId: id, kind: 'service' });
  const cred = await call('POST', `/v1/content-providers/${id}/smpp-credentials`, ADMIN, { systemId: 'shili4', password: 'pw12345' });
  assert.equal(cred.status, 201, JSON.stringify(cred.json));
  const delivered: SmPdu[] = [];
  const esme = await SmppEsme.connect({ host: '127.0.0.1', port: smppPort, systemId: 'shili4', password: 'pw12345', onDeliver: (p) => { delivered.push(p as SmPdu); return 0; } });
  try {
    const text = '【示例四】您的验证码是246810，5分钟内有效。';
    const resp = await esme.request({
      ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690005', destination_addr: '13600136000', data_coding: 8,
      short_message: encodeText(text, 8), registered_delivery: 1, tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
    });
    assert.equal(resp.command_status, 0);
    const msgId = (resp as { message_id: string }).message_id;
    await waitFor(async () => {
      const o = await call('GET', '/v1/simulator/outbox?to=13600136000');
      return (o.json.messages as { text: string }[]).find((m) => m.text === text);
    }, 10_000, 'the SMPP submit at the simulator');
    const dlr = await waitFor(() => delivered.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === msgId), 10_000, 'the receipt at the bind');
    assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'DELIVRD');
    await call('POST', '/v1/simulator/mo', undefined, { from: '13600136000', to: '10690005', text: '收到，谢谢' });
    const mo = await waitFor(() => delivered.find((p) => p.esm_class === 0 && decodeText(p.short_message, p.data_coding) === '收到，谢谢'), 10_000, 'the MO at the bind');
    assert.equal(mo.destination_addr, '10690005');
  } finally {
    await esme.close();
  }
});

/** A request as curl sends it: raw body, the headers given and nothing else. */
async function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}${path}`, { method, headers, body });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}

test('npm start: the README\'s other sections (keys, usage, callbacks) answer as it shows, and a new user\'s slips are each a 4xx with a stable code', async () => {
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例五科技有限公司', creditCode: await validCreditCode() });
  const { id, apiKey } = cp.json as { id: string; apiKey: string };
  await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例五】' });
  await call('POST', '/v1/ports', ADMIN, { number: '10690006', contentProviderId: id, kind: 'service' });
  const json = { 'content-type': 'application/json' };
  const asKey = { authorization: `Bearer ${apiKey}` };

  // Revoking keys: issued (201, shown once), listed without a secret, revoked (204, again 204), then 401
  const key = await call('POST', `/v1/content-providers/${id}/api-keys`, ADMIN, { label: 'billing server' });
  assert.equal(key.status, 201, JSON.stringify(key.json));
  assert.deepEqual(Object.keys(key.json).sort(), ['apiKey', 'id']);
  // curl -X POST without -d: the label is optional, so is the body (it was "body: must be object")
  assert.equal((await raw('POST', `/v1/content-providers/${id}/api-keys`, { authorization: `Bearer ${ADMIN}` })).status, 201);
  const keys = await call('GET', `/v1/content-providers/${id}/api-keys`, apiKey);
  assert.equal(keys.status, 200);
  assert.ok((keys.json.apiKeys as { label: string; revokedAt: unknown }[]).some((k) => k.label === 'billing server' && k.revokedAt === null));
  assert.doesNotMatch(JSON.stringify(keys.json), /sgk_/);
  for (let i = 0; i < 2; i++) assert.equal((await raw('DELETE', `/v1/content-providers/${id}/api-keys/${key.json.id}`, { authorization: `Bearer ${ADMIN}` })).status, 204);
  assert.equal((await call('GET', `/v1/content-providers/${id}/api-keys`, key.json.apiKey)).json.error.code, 'unauthorized');

  // HTTP callbacks: the secret once, then the URLs only; the failed list and a retry of nothing
  const cb = await call('PUT', `/v1/content-providers/${id}/callbacks`, ADMIN, { statusUrl: 'https://cp.example/sms/status', moUrl: 'https://cp.example/sms/mo' });
  assert.equal(cb.status, 200);
  assert.match(cb.json.secret, /^sgw_/);
  assert.deepEqual((await call('GET', `/v1/content-providers/${id}/callbacks`, apiKey)).json, { statusUrl: 'https://cp.example/sms/status', moUrl: 'https://cp.example/sms/mo' });
  assert.deepEqual((await call('GET', `/v1/content-providers/${id}/callbacks/failed?limit=100`, apiKey)).json, { failed: [], pending: 0, nextCursor: null });
  assert.deepEqual((await raw('POST', `/v1/content-providers/${id}/callbacks/failed/retry`, asKey)).json, { requeued: 0 });

  // Usage: the figures' names as the README lists them; a day no calendar has is a 400 (it was a 500)
  const sent = await call('POST', '/v1/messages', apiKey, { from: '10690006', to: '13500135000', text: '【示例五】您的订单已发货', type: 'notification' });
  assert.equal(sent.status, 202, JSON.stringify(sent.json));
  const usage = await call('GET', '/v1/usage?granularity=month', apiKey);
  assert.equal(usage.status, 200, JSON.stringify(usage.json));
  assert.deepEqual(Object.keys(usage.json.usage[0]), ['contentProviderId', 'period', 'submitted', 'accepted', 'rejected', 'rejectedByCode', 'held', 'released', 'reviewRejected',
    'segments', 'sent', 'delivered', 'undeliverable', 'expired', 'failed', 'rejectedUpstream', 'stopped', 'cancelled']);
  for (const q of ['from=2026-13-01', 'to=2026-11-32', 'granularity=year']) {
    const r = await call('GET', `/v1/usage?${q}`, apiKey);
    assert.deepEqual([r.status, r.json.error.code], [400, 'invalid_request'], q);
  }

  // A new user's slips, each a 4xx with a stable code and never a 500
  const msg = (extra: Record<string, unknown> = {}) => JSON.stringify({ from: '10690006', to: '13500135001', text: '【示例五】您的订单已发货', type: 'notification', ...extra });
  const slips: [string, Promise<{ status: number; json: any }>, number, string, string?][] = [
    ['no Authorization', raw('POST', '/v1/messages', json, msg()), 401, 'unauthorized'],
    ['a wrong token', raw('POST', '/v1/messages', { ...json, authorization: 'Bearer sgk_wrong' }, msg()), 401, 'unauthorized'],
    ['the key without Bearer', raw('POST', '/v1/messages', { ...json, authorization: apiKey }, msg()), 401, 'unauthorized'],
    ['malformed JSON', raw('POST', '/v1/messages', { ...json, ...asKey }, '{"from":'), 400, 'invalid_request'],
    ['curl -d without the content-type', raw('POST', '/v1/messages', { ...asKey, 'content-type': 'application/x-www-form-urlencoded' }, msg()), 415, 'invalid_request'],
    ['no body', raw('POST', '/v1/messages', asKey), 400, 'invalid_request', 'from'],
    ['+86 138 0013 8000', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ to: '+86 138 0013 8000' })), 422, 'invalid_msisdn'],
    ['008613800138000', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ to: '008613800138000' })), 422, 'invalid_msisdn'],
    ['empty text', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ text: '' })), 400, 'invalid_request', 'text'],
    ['a signature alone', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ text: '【示例五】' })), 400, 'invalid_request', 'text'],
    ['600 characters', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ text: `【示例五】${'好'.repeat(600)}` })), 422, 'message_too_long'],
    ['20,000 characters', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ text: '好'.repeat(20_000) })), 400, 'invalid_request', 'text'],
    ['a misspelt field', raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ scheduleAt: '2026-12-02T08:00:00+08:00' })), 400, 'invalid_request', 'scheduleAt'],
  ];
  for (const [what, p, status, code, field] of slips) {
    const r = await p;
    assert.deepEqual([r.status, r.json?.error?.code], [status, code], `${what}: ${JSON.stringify(r.json)}`);
    if (field) assert.equal(r.json.error.field, field, what);
  }
  // 13800138000 as it is, and its other two forms, are taken
  for (const to of ['13500135002', '+8613500135003', '8613500135004']) {
    assert.equal((await raw('POST', '/v1/messages', { ...json, ...asKey }, msg({ to }))).status, 202, to);
  }
  assert.doesNotMatch(out, /"level":50/, 'an error logged: a request the gateway did not expect');
});
