import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/smsguard.js', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

/** Node flags on bin/smsguard.js's first line. */
function shebangFlags(): string[] {
  const m = /^#!\/usr\/bin\/env -S node(.*)$/.exec(readFileSync(BIN, 'utf8').split('\n')[0]);
  assert.ok(m, 'bin/smsguard.js starts with "#!/usr/bin/env -S node [flags]"');
  return m[1].trim().split(/\s+/).filter(Boolean);
}

test('npm start runs the gateway with the same node flags as the smsguard command', () => {
  const flags = shebangFlags();
  assert.ok(flags.some((f) => /^--max-semi-space-size=\d+$/.test(f)), `a young generation size among ${flags.join(' ')}`);
  assert.ok(flags.some((f) => /^--min-semi-space-size=\d+$/.test(f)), `a floor under it among ${flags.join(' ')}`);
  assert.ok(flags.includes('--single-threaded-gc'), `garbage collection on one thread among ${flags.join(' ')}`);
  assert.ok(flags.includes('--no-allocation-site-pretenuring'), `no pretenuring among ${flags.join(' ')}`);
  assert.equal(PKG.scripts.start, ['node', ...flags, 'bin/smsguard.js', 'start'].join(' '));
});

test('the first line fits the 127 characters kernels before Linux 5.1 read of it', () => {
  assert.ok(readFileSync(BIN, 'utf8').split('\n')[0].length <= 127);
});

test('the smsguard command runs through its first line (env -S passes the flags to node)', () => {
  assert.equal(PKG.bin.smsguard.replace(/^\.\//, ''), 'bin/smsguard.js');
  const out = execFileSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.match(out, /^Usage: smsguard /);
});
