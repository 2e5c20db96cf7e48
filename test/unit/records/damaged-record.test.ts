/**
 * A record whose stored body was damaged or edited (text that is not JSON, a BLOB, `null`) must not
 * take the reads down with it: the records page, the message view and the inspection export still
 * answer, show that body as `{ unreadable: <stored text> }` (the message view lists the record in
 * its `unreadable`), and `records verify` names the record. Bodies edited to wrong types:
 * edited-record.test.ts.
 * (Before: a 500 for the whole page and the message, and an export line that was not JSON.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestGateway, onboard, ADMIN_TOKEN } from '../../helpers/gateway.js';
import { verifyChains } from '../../../src/app/records-verify.js';
import { ChainDamagedError, runExport } from '../../../src/app/inspect-export.js';
import { readBody } from '../../../src/store/record-columns.js';

test('readBody: objects pass, anything else is shown as unreadable text', () => {
  assert.deepEqual(readBody('{"a":1}'), { a: 1 });
  assert.deepEqual(readBody({ a: 1 }), { a: 1 }); // PostgreSQL hands jsonb over parsed
  assert.deepEqual(readBody('{broken'), { unreadable: '{broken' });
  assert.deepEqual(readBody('null'), { unreadable: 'null' });
  assert.deepEqual(readBody('[1,2]'), { unreadable: '[1,2]' });
  assert.deepEqual(readBody(null), { unreadable: 'null' });
  assert.deepEqual(readBody([1]), { unreadable: '[1]' });
  assert.deepEqual(readBody(Buffer.from('{"a"')), { unreadable: '{"a"' });
});

describe('a damaged record body', () => {
  // The export keeps a body that is still JSON byte for byte (`null` stays null); only what would
  // break the line becomes { unreadable }.
  const cases: [name: string, sql: string, shown: unknown, exported: unknown][] = [
    ['text that is not JSON', "UPDATE @T SET body = '{broken' WHERE id = @ID", { unreadable: '{broken' }, { unreadable: '{broken' }],
    ['a BLOB', "UPDATE @T SET body = CAST('{\"x\":' AS BLOB) WHERE id = @ID", { unreadable: '{"x":' }, { unreadable: '{"x":' }],
    ['JSON null', "UPDATE @T SET body = 'null' WHERE id = @ID", { unreadable: 'null' }, null],
    // An object still, but a raw newline would split the JSONL line.
    ['JSON over two lines', "UPDATE @T SET body = '{' || char(10) || '}' WHERE id = @ID", {}, { unreadable: '{\n}' }],
  ];
  for (const [name, sql, shown, exported] of cases) {
    test(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'smsguard-damaged-'));
      const db = join(dir, 'g.db');
      try {
        let g = await startTestGateway({ db });
        const cp = await onboard(g);
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013800${i}`, text: '【示例】您的验证码是123456', type: 'verification' } });
          assert.equal(r.statusCode, 202);
          ids.push(r.json().id);
        }
        await g.close();

        const file = readdirSync(dir).find((f) => /\.records-\d{4}-\d{2}\.db$/.test(f))!;
        const table = `records_${/(\d{4})-(\d{2})/.exec(file)!.slice(1).join('_')}`;
        const m = new Database(join(dir, file));
        m.exec(`DROP TRIGGER ${table}_no_update`);
        m.exec(sql.replaceAll('@T', table).replace('@ID', `'${ids[1]}'`));
        m.close();

        g = await startTestGateway({ db });
        try {
          const v = await verifyChains(g.store.records.archive);
          assert.equal(v.ok, false);
          assert.equal(v.chains[0].failure?.reason, 'hash_mismatch');
          assert.equal(v.chains[0].failure?.id, ids[1]);

          const page = await g.http.inject({ method: 'GET', url: '/v1/records', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
          assert.equal(page.statusCode, 200);
          const rows = page.json().records as { id: string; body: Record<string, unknown> }[];
          assert.deepEqual(rows.find((r) => r.id === ids[1])!.body, shown);
          assert.equal(rows.find((r) => r.id === ids[0])!.body.decision, 'accepted');

          for (const id of ids) {
            const msg = await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth });
            assert.equal(msg.statusCode, 200, `${id}: ${msg.body}`);
            // the damaged submission is listed with its stored text; the others have nothing unreadable
            const s = shown as { unreadable?: string };
            assert.deepEqual(msg.json().unreadable, id === ids[1] ? [{ id, body: s.unreadable ?? JSON.stringify(shown) }] : undefined, id);
          }

          let text = '';
          const range = { contentProviderId: cp.id, from: 0, to: g.clock.now() + 1 };
          // Refused before a byte is written: a signed manifest would certify the damaged record.
          await assert.rejects(runExport(g.app.ctx, 'test', range, 'jsonl', 'r.jsonl', { write: (s) => { text += s; } }), (e: unknown) => {
            assert.ok(e instanceof ChainDamagedError);
            assert.equal(e.report.chains.find((c) => !c.ok)?.failure?.id, ids[1]);
            assert.match(e.message, new RegExp(`id ${ids[1]}\\): hash_mismatch`));
            return true;
          });
          assert.equal(text, '');
          // Accepted explicitly: exported, and the signed manifest names the damage.
          const manifest = await runExport(g.app.ctx, 'test', range, 'jsonl', 'r.jsonl', { write: (s) => { text += s; } }, { allowDamaged: true });
          assert.equal(manifest.verification.ok, false);
          assert.deepEqual(manifest.verification.chains.filter((c) => !c.ok).map((c) => [c.failure?.id, c.failure?.reason]), [[ids[1], 'hash_mismatch']]);
          const audit = (await g.store.records.queryRecords({ kind: 'audit', type: 'inspect.export', limit: 5 })).records;
          assert.equal((audit[0].body as { damaged?: { id?: string }[] }).damaged?.[0]?.id, ids[1], 'the export record says it was made over damage');
          const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; body: unknown });
          assert.equal(lines.length, manifest.counts.total);
          assert.deepEqual(lines.find((l) => l.id === ids[1])!.body, exported);
        } finally {
          await g.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
