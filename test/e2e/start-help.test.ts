/**
 * `smsguard start --help` names every setting the gateway takes: each key of the configuration
 * schema as its flag or, for those without one, as its environment variable. Ten settings (the bus
 * timings, the pool size, the report port, the signing keys…) were settable only by a variable that
 * neither --help nor, for some, any document named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { ConfigSchema, envName } from '../../src/config/schema.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));

test('start --help names every configuration key, as a flag or an environment variable', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url)), 'start', '--help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const help = r.stdout;
  const missing = Object.keys(ConfigSchema.shape).filter((k) => {
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} `;
    return !help.includes(flag) && !new RegExp(`^\\s+${envName(k)}\\s`, 'm').test(help);
  });
  assert.deepEqual(missing, [], 'neither a flag nor a variable in start --help');
  assert.match(help, /a flag wins, an empty variable is unset/);
  for (const v of ['DATABASE_URL', 'SMSGUARD_ADMIN_TOKEN', 'SMSGUARD_EARLY_WARNING_POLICY']) assert.match(help, new RegExp(`^\\s+${v}\\s`, 'm'));
});

/** README "Running it": each `smsguard <command>` line of its synopsis block, with the flags it shows. */
export function synopsis(readme: string): { command: string; flags: string[] }[] {
  const block = /## Running it\n+```\n([\s\S]*?)\n```/.exec(readme)?.[1];
  assert.ok(block, 'README has a "Running it" synopsis block');
  return block.split(/(?=\bsmsguard )/).map((s) => s.trim()).filter((s) => s.startsWith('smsguard ')).map((s) => {
    const words = s.split(/\s+/).slice(1);
    const command = words.slice(0, words.findIndex((w) => !/^[a-z][a-z-]*$/.test(w)) >>> 0).slice(0, 2);
    return { command: command.join(' '), flags: [...new Set(s.match(/--[a-z][a-z-]*/g) ?? [])] };
  });
}

test('README "Running it" shows only flags each command takes, and every flag of start and simulator', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const lines = synopsis(readme).filter((l) => !/[|…]/.test(l.command) && l.command !== '');
  assert.ok(lines.some((l) => l.command === 'start') && lines.some((l) => l.command === 'simulator'), JSON.stringify(lines));
  const wrong: string[] = [];
  for (const { command, flags } of lines) {
    const r = spawnSync(process.execPath, [BIN, ...command.split(' '), '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${command} --help: ${r.stderr}`);
    const taken = new Set(r.stdout.match(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)?.map((m) => m.replace(/^\s+(?:-\w, )?/, '')));
    for (const f of flags) if (f !== '--help' && !taken.has(f)) wrong.push(`README shows smsguard ${command} ${f}, which it does not take`);
    if (command === 'start' || command === 'simulator') {
      for (const f of taken) if (f !== '--help' && !flags.includes(f)) wrong.push(`smsguard ${command} takes ${f}, which README's synopsis does not show`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('smsguard --version prints package.json\'s version and exits 0', () => {
  const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help says where the database is by default, and the simulator\'s defaults as numbers (not "2776")', () => {
  const help = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.replace(/\s+/g, ' ');
  };
  // README: `npm start` keeps SQLite in ./var; the help named no default, and `token list` run
  // elsewhere answered "no database at <cwd>/var/smsguard.db" with nothing having said so
  for (const cmd of [['start'], ['migrate'], ['token', 'list']]) assert.match(help(...cmd), /--db <path\|url> SQLite database file \(default \.\/var\/smsguard\.db/, cmd.join(' '));
  const sim = help('simulator');
  for (const d of ['--smpp-port <port> SMPP port (default: 2776)', '(default: 127.0.0.1)', 'outbox (default: 100000)', '(default: 0)']) assert.ok(sim.includes(d), `${d} in: ${sim}`);
});
