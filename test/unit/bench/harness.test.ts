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
