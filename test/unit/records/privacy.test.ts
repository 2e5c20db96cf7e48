/** Logs never carry full numbers or message text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import Fastify from 'fastify';
import { maskNumbers, privateLoggerOptions } from '../../../src/http/log-privacy.js';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) };
}

test('maskNumbers masks every form of a mainland mobile number, and nothing else', () => {
  assert.equal(maskNumbers('/v1/records?msisdn=13800138000&x=1'), '/v1/records?msisdn=138****8000&x=1');
  assert.equal(maskNumbers('to +8613800138000 and 8613900139000 and %2B8613700137000'), 'to 138****8000 and 139****9000 and 137****7000');
  assert.equal(maskNumbers('port 10690001 seq 123456789012345'), 'port 10690001 seq 123456789012345');
});

test('maskNumbers masks a number in full width too (the gateway accepts it, read after NFKC), also percent-encoded in a URL', () => {
  assert.equal(maskNumbers('to １３８００１３８０００'), 'to 138****8000');
  assert.equal(maskNumbers('to ＋８６１３８００１３８０００'), 'to 138****8000');
  const wide = encodeURIComponent('１３８００１３８０００');
  assert.equal(maskNumbers(`/v1/subscribers/${wide}/consents`), '/v1/subscribers/138****8000/consents');
  assert.equal(maskNumbers(`/v1/records?msisdn=${encodeURIComponent('＋８６')}13800138000`), '/v1/records?msisdn=138****8000');
  // nothing hidden: logged as written, escapes and all
  for (const s of ['/v1/x?q=%E4%BD%A0%E5%A5%BD', '您好 １２３', '%FF%FE broken', 'port １０６９０００１']) assert.equal(maskNumbers(s), s);
  // a line with both an ASCII and a hidden number: both masked
  assert.equal(maskNumbers(`13900139000 / ${wide}`), '139****9000 / 138****8000');
});

test('the app logger redacts numbers and text fields and masks them in messages', () => {
  const c = capture();
  const log = pino(privateLoggerOptions('info'), c.stream);
  log.info({ msisdn: '+8613800138000', mo: { from: '13800138000', text: '退订' }, code: 'opted_out' }, 'opt-out from 13800138000');
  const out = c.lines.join('');
  assert.doesNotMatch(out, /13800138000/);
  assert.doesNotMatch(out, /退订/);
  assert.match(out, /138\*\*\*\*8000/);
  assert.match(out, /opted_out/);
});

test('free-text fields and error strings keep their meaning with numbers masked', () => {
  const c = capture();
  const log = pino(privateLoggerOptions('info'), c.stream);
  log.error({ where: 'delivery', message: 'submit to +8613800138000 failed' }, 'delivery worker error');
  log.error({ err: 'upstream refused 13900139000' }, 'records head publication failed');
  log.warn({ detail: { msisdns: ['13700137000'] }, from: '10690001' }, 'x');
  const out = c.lines.join('');
  assert.doesNotMatch(out, /13800138000|13900139000|13700137000/);
  assert.match(out, /submit to 138\*\*\*\*8000 failed/);
  assert.match(out, /upstream refused 139\*\*\*\*9000/);
  assert.match(out, /10690001/, 'ports are not numbers to hide');
});

test('the HTTP logger masks numbers in request URLs', async () => {
  const c = capture();
  const f = Fastify({ logger: { ...privateLoggerOptions('info'), stream: c.stream } as never });
  f.get('/v1/records', async () => ({ ok: true }));
  await f.inject({ method: 'GET', url: '/v1/records?msisdn=%2B8613800138000', headers: { authorization: 'Bearer sga_secret' } });
  await f.close();
  const out = c.lines.join('');
  assert.match(out, /incoming request/);
  assert.doesNotMatch(out, /13800138000/);
  assert.doesNotMatch(out, /sga_secret/);
});

test('a field the redaction list does not name is masked too: a number in any string of a log line', () => {
  // `reason` (a receipt not recorded), `problem` (an mnp line skipped), fields a worker thread sends:
  // the list named msisdn, to, from, message, detail, error, err, and a number in any other passed
  const c = capture();
  const log = pino(privateLoggerOptions('info'), c.stream);
  log.warn({ reason: 'insert for +8613800138000 failed', problem: 'ported.csv:3: 13900139000 listed twice', fields: { note: ['to 8613700137000'], text: '会员日八折' }, link: 'cmcc', count: 3 }, 'x');
  const out = c.lines.join('');
  for (const n of ['13800138000', '13900139000', '13700137000', '会员日八折']) assert.doesNotMatch(out, new RegExp(n));
  assert.match(out, /insert for 138\*\*\*\*8000 failed/);
  assert.match(out, /"link":"cmcc"/);
  assert.match(out, /"count":3/);
  // an Error keeps its own serializer (type, code, message and stack, masked)
  c.lines.length = 0;
  log.error(Object.assign(new Error('no route to 13800138000'), { code: 'E1' }), 'y');
  assert.match(c.lines.join(''), /"code":"E1".*no route to 138\*\*\*\*8000/);
});
