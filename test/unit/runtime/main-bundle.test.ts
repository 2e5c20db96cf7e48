import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mainBundle } from '../../../bin/bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('the smsguard command bundle: built once, reused, rebuilt when an input changes, off on request', async (t) => {
  const dir = join(ROOT, 'node_modules/.cache', `smsguard-test-${process.pid}`);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await mainBundle(dir);
  assert.ok(first, 'built');
  const text = readFileSync(fileURLToPath(first), 'utf8');
  // Paths derived from import.meta.url stay those of the sources (migrations next to db.ts).
  assert.ok(text.includes(JSON.stringify(pathToFileURL(join(ROOT, 'src/store/sqlite/db.ts')).href)));
  assert.match(text, /sourceMappingURL=data:application\/json/, 'inline source map');
  const manifest = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8')) as { bundle: string; inputs: [string, number, number][] };
  const names = manifest.inputs.map((i) => i[0]);
  assert.ok(names.includes('src/main.ts') && names.some((n) => n.endsWith('.json')), 'sources and the JSON data they import are inputs');
  // The bundle is the command: it runs on plain node, no tsx loader.
  const help = spawnSync(process.execPath, [fileURLToPath(first), '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: smsguard[\s\S]*start \[options\]/);
  assert.equal(await mainBundle(dir), first, 'nothing changed: the same bundle');
  // As if one source had been edited since: its recorded modification time no longer matches.
  manifest.inputs[0][1] -= 1000;
  writeFileSync(join(dir, 'main.json'), JSON.stringify(manifest));
  const second = await mainBundle(dir);
  assert.ok(second && second !== first, 'rebuilt under a new name');
  // The cache cleaned by hand, the manifest left behind: bundled again, not a start that fails.
  rmSync(fileURLToPath(second));
  const third = await mainBundle(dir);
  assert.ok(third && third !== second && existsSync(fileURLToPath(third)), 'rebuilt when its bundle is gone');
  process.env.SMSGUARD_BUNDLE = 'off';
  t.after(() => { delete process.env.SMSGUARD_BUNDLE; });
  assert.equal(await mainBundle(dir), null);
});
