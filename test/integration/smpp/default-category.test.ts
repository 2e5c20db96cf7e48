/**
 * A credential's default category (docs/SMPP.md, "Message type and category"): a stock ESME cannot add
 * TLV 0x1401, so from a commercial port its message had no category and was always refused
 * invalid_request (0x45). With `defaultCategory` on the credential such a message takes it and the
 * consent rules decide as for any other; a TLV given still wins; without a default nothing changes.
 * The whole gateway (real pipeline, consents, SQLite), raw PDUs from smsguard's own ESME and, when
 * installed, plain Net::SMPP (shared/peers/kannel/smpp-client.pl, which sends no TLVs).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSmppGateway, type SmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { netSmppMissing, parseKv, peersDir, start } from '../../fakes/smpp/peers.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, encodeText, smDefaults, tlvCString, tlvOctets, tlvUtf8CString, type SmPdu } from '../../../src/smpp/pdu/index.js';

const COMMERCIAL_PORT = '10690002';
const PROMO_USER = '13800138000';
const NEWS_USER = '13800138001';
const TEXT = '【示例】会员日全场满减';

/** Consents recorded by the provider itself: PROMO_USER to `promotions`, NEWS_USER to `news`. */
async function consents(g: SmppGateway): Promise<void> {
  const cp = { role: 'content-provider' as const, contentProviderId: g.cpId, actorId: 't' };
  for (const [msisdn, category] of [[PROMO_USER, 'promotions'], [NEWS_USER, 'news']]) {
    await g.app.grantConsent(cp, { msisdn, category, frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: `form-${msisdn}`, capturedAt: '2026-11-01T00:00:00Z' } });
  }
}

function sm(to: string, tlvs: SmPdu['tlvs'] = []): SmPdu {
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: COMMERCIAL_PORT, destination_addr: to, data_coding: 8, short_message: encodeText(TEXT, 8), tlvs };
}

async function category(g: SmppGateway, id: string): Promise<unknown> {
  return ((await g.app.getMessage({ role: 'admin', actorId: 'a' }, id)) as { category?: unknown }).category;
}

async function withGateway(opts: { defaultCategory?: string }, fn: (g: SmppGateway, e: SmppEsme) => Promise<void>): Promise<void> {
  const g = await startSmppGateway(opts);
  let e: SmppEsme | null = null;
  try {
    await consents(g);
    e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    await fn(g, e);
  } finally {
    await e?.close();
    await g.close();
  }
}

describe('SMPP credential default category', () => {
  test('no TLV 0x1401, commercial port: the default category is used and the consent for it lets the message through', async () => {
    await withGateway({ defaultCategory: '  promotions ' }, async (g, e) => {
      const r = await e.request(sm(PROMO_USER));
      assert.equal(r.command_status, CommandStatus.ESME_ROK);
      const id = (r as { message_id: string }).message_id;
      assert.equal(await category(g, id), 'promotions', 'trimmed when the credential was made');
      // The consent rules still decide: NEWS_USER agreed to news only.
      const refused = await e.request(sm(NEWS_USER));
      assert.equal(refused.command_status, 0x40b, 'consent_missing');
    });
  });

  test('a default typed in full width is held as the consent\'s category (NFKC, categoryField) and the consent covers it', async () => {
    await withGateway({ defaultCategory: '\u3000ｐｒｏｍｏｔｉｏｎｓ ' }, async (g, e) => {
      const r = await e.request(sm(PROMO_USER));
      assert.equal(r.command_status, CommandStatus.ESME_ROK, 'consent_missing would be 0x40b');
      assert.equal(await category(g, (r as { message_id: string }).message_id), 'promotions');
    });
  });

  test('without a default: refused invalid_request (0x45) as before', async () => {
    await withGateway({}, async (g, e) => {
      const r = await e.request(sm(PROMO_USER));
      assert.equal(r.command_status, CommandStatus.ESME_RSUBMITFAIL);
      assert.equal(r.command_status, 0x45);
      assert.equal(g.sim.outbox().length, 0);
    });
  });

  test('a TLV 0x1401 given wins over the default', async () => {
    await withGateway({ defaultCategory: 'promotions' }, async (g, e) => {
      // PROMO_USER agreed to promotions (the default), not to news: the TLV decides, so refused.
      const r1 = await e.request(sm(PROMO_USER, [tlvCString(Tag.smsguard_category, 'news')]));
      assert.equal(r1.command_status, 0x40b, 'consent_missing: the TLV category, not the default, was checked');
      const r2 = await e.request(sm(NEWS_USER, [tlvCString(Tag.smsguard_category, 'news')]));
      assert.equal(r2.command_status, CommandStatus.ESME_ROK);
      assert.equal(await category(g, (r2 as { message_id: string }).message_id), 'news');
    });
  });

  test('a Chinese category in TLV 0x1401 is read as UTF-8 and matches the consent given for it', async () => {
    await withGateway({}, async (g, e) => {
      const cp = { role: 'content-provider' as const, contentProviderId: g.cpId, actorId: 't' };
      await g.app.grantConsent(cp, { msisdn: NEWS_USER, category: '会员营销', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-cn', capturedAt: '2026-11-01T00:00:00Z' } });
      // latin1 had read the six UTF-8 bytes of each two characters as six characters: consent_missing
      const r = await e.request(sm(NEWS_USER, [tlvUtf8CString(Tag.smsguard_category, '会员营销')]));
      assert.equal(r.command_status, CommandStatus.ESME_ROK, `0x${r.command_status.toString(16)}`);
      assert.equal(await category(g, (r as { message_id: string }).message_id), '会员营销');
      // bytes that are not UTF-8 are read as latin1, as before: \xe9 is é
      const latin = await e.request(sm(NEWS_USER, [tlvOctets(Tag.smsguard_category, Buffer.from([0x6e, 0x65, 0x77, 0xe9, 0]))]));
      assert.equal(latin.command_status, 0x40b, 'consent_missing for the category "newé"');
    });
  });

  test('a non-commercial message takes no category from the default', async () => {
    await withGateway({ defaultCategory: 'promotions' }, async (g, e) => {
      const r = await e.request({ ...sm(PROMO_USER), source_addr: '10690001', short_message: encodeText('【示例】您的订单已发货。', 8) });
      assert.equal(r.command_status, CommandStatus.ESME_ROK);
      assert.equal(await category(g, (r as { message_id: string }).message_id) ?? null, null);
    });
  });

  test('the default is validated as any category: blank or longer than 64 characters is invalid_request', async () => {
    const g = await startSmppGateway();
    try {
      const { SmppCredentials } = await import('../../../src/smpp/server/index.js');
      const { SqliteSmppCredentials } = await import('../../../src/store/sqlite/smpp-credentials.js');
      const creds = new SmppCredentials({ store: new SqliteSmppCredentials(g.store.db), contentProviderExists: async () => true, now: () => 0, newId: () => `c${Math.random()}` });
      const admin = { role: 'admin' as const, actorId: 'a' };
      for (const bad of ['   ', 'x'.repeat(65), 5, 'a\u0000b']) {
        await assert.rejects(creds.create(admin, g.cpId, { systemId: 'other', password: 'pw', defaultCategory: bad }), (err: { code?: string; field?: string }) => err.code === 'invalid_request' && err.field === 'defaultCategory', String(bad));
      }
      const ok = await creds.create(admin, g.cpId, { systemId: 'other', password: 'pw', defaultCategory: ' news ' });
      assert.equal(ok.defaultCategory, 'news');
      const none = await creds.create(admin, g.cpId, { systemId: 'third', password: 'pw' });
      assert.equal(none.defaultCategory, null);
    } finally {
      await g.close();
    }
  });
});

describe('SMPP credential default category with plain Net::SMPP', { skip: netSmppMissing() }, () => {
  const run = (g: SmppGateway) => start('perl', [join(peersDir()!, 'smpp-client.pl'), '--host', '127.0.0.1', '--port', String(g.port), '--system-id', g.systemId, '--password', g.password,
    '--count', '1', '--source', COMMERCIAL_PORT, '--dest', PROMO_USER, '--ucs2', '--text', TEXT, '--max-seconds', '20']);

  test('smpp-client.pl (no TLVs) from a commercial port: accepted with the credential default', async () => {
    const g = await startSmppGateway({ defaultCategory: 'promotions' });
    try {
      await consents(g);
      const p = run(g);
      const code = await p.exited;
      assert.equal(code, 0, p.out());
      assert.equal(parseKv(p.out().split('\n').find((l) => l.startsWith('RESULT')) ?? '').resp_ok, '1', p.out());
    } finally {
      await g.close();
    }
  });

  test('smpp-client.pl (no TLVs) from a commercial port, no default: refused 0x45 as before', async () => {
    const g = await startSmppGateway();
    try {
      await consents(g);
      const p = run(g);
      const code = await p.exited;
      assert.equal(code, 2, p.out());
      assert.match(p.out(), /0x00000045/, p.out());
      assert.equal(g.sim.outbox().length, 0);
    } finally {
      await g.close();
    }
  });
});
