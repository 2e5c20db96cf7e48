import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLED_ENTRIES, bundleEntries } from '../../../bench/bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('bench entries bundle with each source file keeping its own import.meta.url, and a bundle runs', async (t) => {
  // Inside the repository, so that the bundles resolve packages from its node_modules as the bench's do.
  const out = join(ROOT, 'node_modules/.cache', `smsguard-bench-test-${process.pid}`);
  t.after(() => rmSync(out, { recursive: true, force: true }));
  assert.equal(await bundleEntries(out), out);
  for (const e of BUNDLED_ENTRIES) {
    const f = join(out, e.replace(/\.ts$/, '.mjs'));
    assert.ok(existsSync(f), `${e} bundled`);
    assert.doesNotMatch(readFileSync(f, 'utf8'), /import\.meta\.url/, `${e}: every import.meta.url replaced`);
  }
  // The gateway finds its migrations next to the SQLite store's source, not next to the bundle.
  const gw = readFileSync(join(out, 'bench/smpp-gateway.mjs'), 'utf8');
  assert.ok(gw.includes(JSON.stringify(pathToFileURL(join(ROOT, 'src/store/sqlite/db.ts')).href)), 'db.ts keeps its own URL');
  const sink = spawn(process.execPath, [join(out, 'bench/smpp-sink.mjs'), '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => sink.kill('SIGKILL'));
  const ready = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no READY: ${buf}`)), 30_000);
    sink.stdout.on('data', (d) => { buf += d; const m = /READY (\d+)/.exec(buf); if (m) { clearTimeout(timer); resolve(m[1]); } });
    sink.once('exit', (c) => { clearTimeout(timer); reject(new Error(`sink exited ${c}: ${buf}`)); });
  });
  assert.ok(Number(ready) > 0);
});

test('npm run bench refuses an unknown group before running anything, stdout empty', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--only', 'spine,nosuch'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /unknown group\(s\): nosuch/);
});

test('the HTTP batch load client counts accepted results in the answer, rejections and failed batches apart', async (t) => {
  const { createServer } = await import('node:http');
  const { submitResultsJson } = await import('../../../src/http/submit-results.js');
  let call = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { messages } = JSON.parse(Buffer.concat(chunks).toString()) as { messages: { to: string }[] };
      const k = call++;
      if (k === 2) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"x"}}');
        return;
      }
      // batch 0: all accepted, each text holding the very bytes counted, escaped as JSON escapes them;
      // batch 1: every third rejected
      const results = messages.map((m, i) => (k === 1 && i % 3 === 0
        ? { ok: false as const, id: `msg_${i}`, error: { code: 'frequency_exceeded' as const, message: 'status "accepted" is not this' } }
        : { ok: true as const, id: `msg_${i}`, status: 'accepted' as const, text: `{"status":"accepted"} ${m.to}`, segments: 1 }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(submitResultsJson(results));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // not spawnSync: the server answering it runs on this process's event loop
  const client = spawn(process.execPath, ['--import', 'tsx', 'bench/load/http-batch-client.ts', url, 'key', '30', '10', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => client.kill('SIGKILL'));
  let stdout = '', stderr = '';
  client.stdout.on('data', (d) => (stdout += d));
  client.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
  assert.equal(code, 0, stderr);
  const out = JSON.parse(stdout) as { sent: number; accepted: number; rejected: number; errors: number; cpuMs: number };
  assert.deepEqual([out.sent, out.accepted, out.rejected, out.errors], [30, 16, 4, 10]);
  assert.ok(out.cpuMs >= 0);
});
