/**
 * submit_sm's schedule_delivery_time and validity_period (docs/SMPP.md, "schedule_delivery_time and
 * validity_period"). They used to be decoded and ignored: a message scheduled for tomorrow went out
 * at once, a malformed time was accepted. Now a malformed schedule, or one more than 35 days ahead,
 * is refused ESME_RINVSCHED, a malformed or past validity (or one not after the schedule)
 * ESME_RINVEXPIRY, before anything is decided; a schedule ahead goes on with the message (scheduled
 * delivery: src/domain/schedule.ts); each part
 * of a long message is checked before it joins its set. Times are judged on the messages' clock (the
 * server's `messageNow`: the app's, simulated under `--clock simulated`), here set to 2030-01-01 12:00
 * in UTC+8, years from the real one the sessions run on (`now`), so a check on the real clock would
 * answer the other way (before 2026-12-07 they were: a relative time counted from the real clock).
 * Then the whole gateway: an accepted submit is sent.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, buildConcatUdh, encodeText, smDefaults, type Pdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { waitFor } from '../../helpers/wait.js';
import type { SimulatedClock } from '../../../src/simulator/clock.js';

/** The messages' clock: 2030-01-01 04:00 UTC (12:00 in UTC+8), running on from there. */
const BASE = Date.UTC(2030, 0, 1, 4, 0, 0);
const T0 = Date.now();
const serverNow = () => BASE + (Date.now() - T0);

// in UTC+8 (32 quarter hours ahead), as a Chinese ESME writes them
const YESTERDAY = '291231120000032+';
const IN_AN_HOUR = '300101130000032+';
const TOMORROW = '300102120000032+';
const IN_5_S = '300101120005032+';
/** A year ahead: past MAX_SCHEDULE_AHEAD_MS (35 days). */
const NEXT_YEAR = '310101120000032+';
// the last two are over 16 characters (a NUL within the field's 17 octets never comes): before
// 2026-12-07 the codec refused them ESME_RINVPARLEN, not as the malformed times they are
const MALFORMED = ['301301120000032+', '300101120000049+', '3001011200000', '300101120000032?', '30010112000003a+', '0000000010000000R', '3001011200000032+0'];

let app: FakeApp;
let server: SmppServer;
let port: number;

function sm(o: Partial<SmPdu> = {}, text = 'hello'): SmPdu {
  const dc = /^[\x20-\x7e]*$/.test(text) ? 0 : 8;
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: dc, short_message: encodeText(text, dc), ...o };
}
const status = (r: Pdu) => `0x${r.command_status.toString(16)}`;
const hex = (n: number) => `0x${n.toString(16)}`;

before(async () => {
  app = new FakeApp();
  let id = 0;
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${++id}` });
  await creds.create({ role: 'admin', actorId: 'admin' }, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', messageNow: serverNow });
  port = await server.listen(0, '127.0.0.1');
});
after(async () => {
  await server.close();
});

async function withEsme(fn: (e: SmppEsme) => Promise<void>): Promise<void> {
  const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
  try {
    await fn(e);
  } finally {
    await e.close();
  }
}

describe('submit_sm schedule_delivery_time and validity_period', () => {
  test('a malformed schedule_delivery_time is refused ESME_RINVSCHED (0x61), nothing decided', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      for (const t of MALFORMED) assert.equal(status(await e.request(sm({ schedule_delivery_time: t }))), hex(0x61), t);
      assert.equal(CommandStatus.ESME_RINVSCHED, 0x61);
      assert.equal(app.submissions.length, n, 'none reached the use case');
    });
  });

  test('a schedule ahead of the server\'s clock goes on with the message (scheduled delivery); more than 35 days ahead is refused ESME_RINVSCHED', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      for (const t of [NEXT_YEAR, '000200000000000R', '000036000000000R']) {
        assert.equal(status(await e.request(sm({ schedule_delivery_time: t }))), hex(CommandStatus.ESME_RINVSCHED), t);
      }
      assert.equal(app.submissions.length, n, 'none decided');
      for (const t of [IN_AN_HOUR, TOMORROW, '000000010000000R', '000001000000000R', '000035000000000R']) {
        assert.equal(status(await e.request(sm({ schedule_delivery_time: t }))), '0x0', t);
      }
      const given = app.submissions.slice(n).map((x) => Date.parse((x.input as { scheduledAt: string }).scheduledAt));
      assert.equal(given[0], Date.UTC(2030, 0, 1, 5, 0, 0));
      assert.equal(given[1], Date.UTC(2030, 0, 2, 4, 0, 0));
      // relative ones count from the server's clock
      assert.ok(Math.abs(given[2] - (serverNow() + 3_600_000)) < 5_000);
      assert.ok(Math.abs(given[3] - (serverNow() + 86_400_000)) < 5_000);
      assert.ok(Math.abs(given[4] - (serverNow() + 35 * 86_400_000)) < 5_000);
      // a validity not after the schedule could never be met
      assert.equal(status(await e.request(sm({ schedule_delivery_time: TOMORROW, validity_period: IN_AN_HOUR }))), hex(CommandStatus.ESME_RINVEXPIRY));
      assert.equal(app.submissions.length, n + 5);
    });
  });

  test('a malformed validity_period is refused ESME_RINVEXPIRY (0x62), nothing decided; a bad schedule is named first', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      for (const t of MALFORMED) assert.equal(status(await e.request(sm({ validity_period: t }))), hex(0x62), t);
      assert.equal(CommandStatus.ESME_RINVEXPIRY, 0x62);
      assert.equal(status(await e.request(sm({ schedule_delivery_time: MALFORMED[0], validity_period: MALFORMED[0] }))), hex(0x61));
      assert.equal(app.submissions.length, n);
    });
  });

  test('a validity_period already past on the server\'s clock is refused ESME_RINVEXPIRY', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      // YESTERDAY is years ahead of the real clock: only the server's clock says it has passed
      assert.equal(status(await e.request(sm({ validity_period: YESTERDAY }))), hex(CommandStatus.ESME_RINVEXPIRY));
      assert.equal(status(await e.request(sm({ validity_period: '000000000000000R' }))), hex(CommandStatus.ESME_RINVEXPIRY), 'valid for no time at all');
      assert.equal(app.submissions.length, n);
    });
  });

  test('a past (or a few seconds ahead) schedule and a future validity are accepted and go on to the use case', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      const ok = [
        { schedule_delivery_time: YESTERDAY, validity_period: TOMORROW },
        { schedule_delivery_time: IN_5_S, validity_period: '000001000000000R' },
        { schedule_delivery_time: '', validity_period: IN_AN_HOUR },
      ];
      for (const o of ok) {
        const r = await e.request(sm(o));
        assert.equal(status(r), '0x0', JSON.stringify(o));
        assert.match((r as { message_id: string }).message_id, /^msg_/);
      }
      assert.equal(app.submissions.length, n + ok.length, 'each decided');
      // the validity goes on with the message, on the server's clock (a relative one counts from it)
      const given = app.submissions.slice(n).map((x) => Date.parse((x.input as { validUntil: string }).validUntil));
      assert.equal(given[0], Date.UTC(2030, 0, 2, 4, 0, 0));
      assert.ok(Math.abs(given[1] - (serverNow() + 86_400_000)) < 5_000, `${new Date(given[1]).toISOString()}`);
      assert.equal(given[2], Date.UTC(2030, 0, 1, 5, 0, 0));
      // and none when none was given; a past schedule, or one a few seconds ahead, is no schedule
      await e.request(sm());
      assert.equal((app.submissions.at(-1)!.input as { validUntil?: string }).validUntil, undefined);
      for (const x of app.submissions.slice(n)) assert.equal((x.input as { scheduledAt?: string }).scheduledAt, undefined);
    });
  });

  test('each part of a long message is checked before it joins its set', async () => {
    await withEsme(async (e) => {
      const n = app.submissions.length;
      const part = (seq: number, text: string, o: Partial<SmPdu> = {}) =>
        sm({ esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 42, total: 2, seq }), encodeText(text, 0)]), ...o });
      assert.equal(status(await e.request(part(1, 'first half, ', { schedule_delivery_time: NEXT_YEAR }))), hex(CommandStatus.ESME_RINVSCHED));
      assert.equal(status(await e.request(part(1, 'first half, '))), '0x0');
      assert.equal(status(await e.request(part(2, 'second half', { validity_period: YESTERDAY }))), hex(CommandStatus.ESME_RINVEXPIRY), 'the refused part does not complete the set');
      assert.equal(app.submissions.length, n, 'nothing decided yet');
      const last = await e.request(part(2, 'second half', { schedule_delivery_time: YESTERDAY, validity_period: TOMORROW }));
      assert.equal(status(last), '0x0');
      assert.equal(app.submissions.length, n + 1, 'one decision');
      assert.equal(app.submissions[n].input.text, 'first half, second half', 'only the accepted parts, once each');
    });
  });
});

describe('submit_sm times through the whole gateway', () => {
  test('a past schedule and a future validity: recorded and sent to the carrier as any message', async () => {
    const g = await startSmppGateway();
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    try {
      // 2020 is past, one day relative is ahead of the gateway's (simulated) clock
      const r = await e.request(sm({ schedule_delivery_time: '200101120000032+', validity_period: '000001000000000R' }, '【示例】您的验证码是123456'));
      assert.equal(status(r), '0x0');
      await waitFor(() => g.sim.outbox().length === 1 || undefined);
      assert.equal(g.sim.outbox()[0].text, '【示例】您的验证码是123456');
      // kept with the message: its view shows when it stops being worth sending
      const id = (r as { message_id: string }).message_id;
      const until = (await g.app.ctx.store.messages.getMessage(id))?.validUntil;
      assert.ok(until !== undefined && Math.abs(until - (g.app.ctx.clock.now() + 86_400_000)) < 60_000, String(until));
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('a schedule ahead: accepted, kept in the queue until its time, then sent; its view shows when', async () => {
    const g = await startSmppGateway();
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    try {
      // an hour from the gateway's clock (simulated, behind the real one), not from the real clock
      assert.ok(g.app.ctx.clock.now() < Date.now() - 3_600_000, 'the simulated clock starts behind the real one');
      const r = await e.request(sm({ schedule_delivery_time: '000000010000000R' }, '【示例】明天的提醒'));
      assert.equal(status(r), '0x0');
      const id = (r as { message_id: string }).message_id;
      const when = (await g.app.ctx.store.messages.getMessage(id))?.scheduledAt;
      assert.ok(when !== undefined && Math.abs(when - (g.app.ctx.clock.now() + 3_600_000)) < 60_000, String(when));
      // a message without a schedule, sent after it, goes first; the scheduled one waits
      const now = await e.request(sm({}, '【示例】您的验证码是654321'));
      assert.equal(status(now), '0x0');
      await waitFor(() => g.sim.outbox().length === 1 || undefined);
      assert.equal(g.sim.outbox()[0].text, '【示例】您的验证码是654321');
      await new Promise((res) => setTimeout(res, 1500));
      assert.equal(g.sim.outbox().length, 1, 'not before its time');
      assert.equal((await g.app.ctx.store.messages.getMessage(id))?.status, 'accepted');
      // its time comes
      (g.app.ctx.clock as SimulatedClock).set(when + 1_000);
      await waitFor(() => g.sim.outbox().length === 2 || undefined);
      assert.equal(g.sim.outbox()[1].text, '【示例】明天的提醒');
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('under a simulated clock ahead of the real one, relative times count from the gateway\'s clock (submit_sm, submit_multi, replace_sm)', async () => {
    const g = await startSmppGateway();
    const clock = g.app.ctx.clock as SimulatedClock;
    // two days ahead of the real clock: an hour from the real clock is a day and more in the past here
    clock.set(Date.now() + 2 * 86_400_000);
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    const near = (at: number | undefined, want: number) => at !== undefined && Math.abs(at - want) < 60_000;
    try {
      // valid for an hour: before 2026-12-07 the use case refused it as already past (ESME_RSUBMITFAIL)
      const valid = await e.request(sm({ validity_period: '000000010000000R' }, '【示例】您的验证码是123456'));
      assert.equal(status(valid), '0x0');
      const v = await g.app.ctx.store.messages.getMessage((valid as { message_id: string }).message_id);
      assert.ok(near(v?.validUntil, clock.now() + 3_600_000), `validUntil ${v?.validUntil} against the gateway's ${clock.now()}`);
      // scheduled in an hour: before, it was due at once (an hour from the real clock is past here)
      const later = await e.request(sm({ schedule_delivery_time: '000000010000000R' }, '【示例】一小时后的提醒'));
      assert.equal(status(later), '0x0');
      const id = (later as { message_id: string }).message_id;
      assert.ok(near((await g.app.ctx.store.messages.getMessage(id))?.scheduledAt, clock.now() + 3_600_000));
      // an absolute validity an hour ahead of the gateway's clock, in UTC: ahead of the real one too, but
      // a validity a day ahead of the real clock is past on the gateway's: ESME_RINVEXPIRY, never decided
      const utc = (ms: number) => { const d = new Date(ms); const p = (n: number) => String(n).padStart(2, '0'); return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}000+`; };
      assert.equal(status(await e.request(sm({ validity_period: utc(Date.now() + 86_400_000) }, '【示例】您的验证码是123456'))), hex(CommandStatus.ESME_RINVEXPIRY));
      // replace_sm: its new schedule is read on the same clock
      assert.equal(status(await e.request({ command: 'replace_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001',
        schedule_delivery_time: '000000020000000R', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message: encodeText('【示例】两小时后的提醒', 8) })), '0x0');
      assert.ok(near((await g.app.ctx.store.messages.getMessage(id))?.scheduledAt, clock.now() + 7_200_000));
      // submit_multi: the same
      const { dest_addr_ton: _t, dest_addr_npi: _n, destination_addr: _a, ...body } = smDefaults();
      const multi = await e.request({ ...body, command: 'submit_multi', sequence_number: 0, source_addr: '10690001', dest_addresses: [{ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '13800138002' }],
        data_coding: 8, short_message: encodeText('【示例】您的验证码是222222', 8), validity_period: '000000010000000R' });
      assert.equal(status(multi), '0x0');
      const m = await g.app.ctx.store.messages.getMessage((multi as { message_id: string }).message_id);
      assert.ok(near(m?.validUntil, clock.now() + 3_600_000));
    } finally {
      await e.close();
      await g.close();
    }
  });
});
