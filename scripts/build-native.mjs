#!/usr/bin/env node
/**
 * Builds smsguard's one native piece, the SQLite extension that proves and forges hash-chain links
 * inside SQLite (native/chain-links.c) and, in the same library, the VFS that buffers WAL writes
 * (native/wal-buffer.c), into build/native/. Run by `npm install` (postinstall) and by hand
 * with `npm run build:native`.
 *
 * Optional by design: it needs a C compiler (`cc`, or $CC) and nothing else (SQLite's extension
 * header comes with better-sqlite3, SHA-256 from the Node.js binary at load time). Where it cannot be
 * built, `records verify` and the records writer use their JavaScript paths, which give the same
 * answers and bytes more slowly, and SQLite writes its WAL through its own VFS; this
 * script then says so and exits 0, so an install never fails for it. SMSGUARD_NATIVE_REQUIRED=1
 * makes a failure fatal (CI sets it, so a broken build cannot pass unnoticed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'native', 'chain-links.c');
// The same library holds the WAL-buffering VFS (native/wal-buffer.c), loaded by its own entry point.
const srcs = [src, join(root, 'native', 'wal-buffer.c')];
const outDir = join(root, 'build', 'native');
const out = join(outDir, 'chain-links.so');
const required = process.env.SMSGUARD_NATIVE_REQUIRED === '1';

function give(reason) {
  const msg = `smsguard: native records extension not built (${reason}); records verify and the records writer will use their JavaScript paths`;
  if (required) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

if (process.platform === 'win32') give('Windows is not supported by this build script');
for (const f of srcs) if (!existsSync(f)) give(`${f} is missing`);

let include;
try {
  const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
  include = join(dirname(pkg), 'deps', 'sqlite3');
} catch {
  give('better-sqlite3 is not installed');
}
if (!existsSync(join(include, 'sqlite3ext.h'))) give(`no sqlite3ext.h in ${include}`);

const cc = process.env.CC || 'cc';
// macOS resolves the OpenSSL symbols from the loading node binary only when told to.
const platform = process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [];
mkdirSync(outDir, { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const r = spawnSync(cc, ['-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-I', include, ...platform, '-o', tmp, ...srcs], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  // An extension built from older sources must not outlive a failed rebuild of newer ones.
  rmSync(out, { force: true });
  give(r.error ? `${cc}: ${r.error.message}` : `${cc} exited with ${r.status}`);
}
renameSync(tmp, out);
console.log(`smsguard: built ${out}`);
