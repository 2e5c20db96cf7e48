/** Inspection export: every record of the provider in range, a manifest whose digests and signature check out, and the export itself recorded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { withGateway, onboard } from '../../helpers/gateway.js';
import { runExport } from '../../../src/app/inspect-export.js';
import { recordsFor } from '../../../src/app/records-service.js';
import { verifyTextSignature, verifyHeadSignature } from '../../../src/app/records-signing.js';
import { canonicalJson } from '../../../src/domain/hash-chain.js';
import { pipelineId } from '../../../src/store/verdict-codec.js';

test('jsonl and csv exports with a signed manifest', async () => {
  await withGateway(async (g, cp) => {
    const other = await onboard(g, { name: '别家', signature: '【别家】', ports: { service: '10692222' } });
    for (let i = 0; i < 4; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013800${i}`, text: '【示例】您的验证码是123456', type: 'verification' } });
      assert.equal(r.statusCode, 202);
    }
    await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10692222', to: '13800138009', text: '【别家】您的验证码是123456', type: 'verification' } });
    const from = g.clock.now() - 86_400_000;
    const to = g.clock.now() + 86_400_000;
    const expected = (await g.app.ctx.store.records.queryRecords({ contentProviderId: cp.id, limit: 1000 })).records;
    for (const format of ['jsonl', 'csv'] as const) {
      let text = '';
      let progressed = 0;
      const m = await runExport(g.app.ctx, 'test:inspector', { contentProviderId: cp.id, from, to }, format, `records.${format}`, { write: (s) => { text += s; }, progress: (n) => { progressed = n; } });
      assert.equal(m.counts.total, expected.length);
      assert.equal(progressed, expected.length);
      assert.equal(m.counts.byKind.mt, 4);
      assert.equal(m.file.sha256, createHash('sha256').update(text).digest('hex'));
      const { signature, ...unsigned } = m;
      assert.equal(verifyTextSignature(canonicalJson(unsigned), signature!, recordsFor(g.app.ctx).signer.publicKey), true);
      assert.equal(verifyTextSignature(canonicalJson({ ...unsigned, counts: { ...unsigned.counts, total: 3 } }), signature!, m.publicKey), false);
      assert.ok(m.heads.length >= 1 && m.heads.every((h) => verifyHeadSignature(h, m.publicKey)));
      // the chains under the export were recomputed before it was signed, and the manifest says so
      assert.equal(m.verification.ok, true);
      assert.ok(m.verification.chains.length >= 1 && m.verification.chains.every((c) => c.ok && c.checked > 0));
      // The verdicts of a submission are stored one letter per stage of its pipeline: the manifest
      // spells out each pipeline the exported submissions name, so the file reads without the gateway.
      const mts = expected.filter((r) => r.kind === 'mt');
      const ids = [...new Set(mts.map((r) => (r.body as { verdicts: { pipeline: string } }).verdicts.pipeline))];
      assert.deepEqual(Object.keys(m.pipelines), ids);
      const view = (await g.http.inject({ method: 'GET', url: `/v1/messages/${mts[0].id}`, headers: cp.auth })).json() as { verdicts: { rule: string }[] };
      assert.deepEqual(m.pipelines[ids[0]], view.verdicts.map((v) => v.rule));
      assert.equal(pipelineId(m.pipelines[ids[0]]!), ids[0], 'the id is the hash of the list');
      const lines = text.trim().split('\n');
      if (format === 'jsonl') {
        const rows = lines.map((l) => JSON.parse(l));
        assert.deepEqual(rows.map((r) => r.seq), expected.map((r) => r.seq).reverse());
        assert.ok(rows.every((r) => r.contentProviderId === cp.id));
        const digest = createHash('sha256');
        for (const r of rows) digest.update(`${r.seq}:${r.hash}\n`);
        assert.equal(m.recordsDigest, digest.digest('hex'));
      } else {
        assert.equal(lines[0], 'seq,month,id,at,kind,content_provider_id,msisdn,ref,port,type,decision,rule,hash,body');
        assert.equal(lines.length, expected.length + 1);
      }
    }
    const audit = (await g.app.ctx.store.records.queryRecords({ kind: 'audit', type: 'inspect.export', limit: 10 })).records;
    assert.equal(audit.length, 2);
    assert.equal(audit[0].body.actor, 'test:inspector');
    assert.equal(audit[0].body.rows, expected.length);
  });
});

test('CSV cells a spreadsheet would run as formulas are written as text; numbers and JSONL stay as stored', async () => {
  await withGateway(async (g, cp) => {
    const at = g.clock.now();
    await g.app.ctx.store.records.recordMo({ id: 'mo_f1', at, from: '=HYPERLINK("http://x.example","y")', to: '10690001', text: '-1+2', contentProviderId: cp.id, action: 'forwarded' });
    await g.app.ctx.store.records.recordMo({ id: 'mo_f2', at: at + 1, from: '+8613800138000', to: '10690001', text: 'hi', contentProviderId: cp.id, action: 'forwarded' });
    const run = async (format: 'csv' | 'jsonl') => {
      let text = '';
      await runExport(g.app.ctx, 'test', { contentProviderId: cp.id, from: at - 1, to: at + 10 }, format, `r.${format}`, { write: (s) => { text += s; } });
      return text;
    };
    const csv = await run('csv');
    const f1 = csv.split('\n').find((l) => l.includes('mo_f1'))!;
    assert.match(f1, /,"'=HYPERLINK\(""http:\/\/x\.example"",""y""\)",/);
    const f2 = csv.split('\n').find((l) => l.includes('mo_f2'))!;
    assert.match(f2, /,\+8613800138000,/);
    const jsonl = (await run('jsonl')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; msisdn: string });
    assert.equal(jsonl.find((r) => r.id === 'mo_f1')!.msisdn, '=HYPERLINK("http://x.example","y")');
  });
});
