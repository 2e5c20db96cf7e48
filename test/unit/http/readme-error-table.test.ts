/**
 * README's table of error codes ("What it checks") is the integrator's catalogue: it names every code
 * src/domain/errors.ts has, each with the HTTP status src/http/error-map.ts answers it with. It lacked
 * not_found, conflict, store_unavailable, upstream_unavailable, internal_error and the later features'
 * codes, and nothing noticed a status that changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../../src/domain/errors.js';
import { HTTP_STATUS } from '../../../src/http/error-map.js';

/** code → the HTTP status the table gives it (`a` / `b` | 401 / 403: in order; one status for all). */
export function tableStatuses(readme: string): Map<string, number> {
  const section = readme.slice(readme.indexOf('## What it checks'), readme.indexOf('\n## ', readme.indexOf('## What it checks') + 5));
  const out = new Map<string, number>();
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const [codes, statuses] = row.split('|').slice(1, 3).map((c) => c.trim());
    const names = [...codes!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    const numbers = statuses!.split('/').map((s) => Number(s.trim()));
    names.forEach((n, i) => out.set(n, numbers[numbers.length === 1 ? 0 : i]!));
  }
  return out;
}

test('the table is read: a row of two codes with two statuses, and one of two codes with one', () => {
  const t = tableStatuses('## What it checks\n| code | HTTP |\n|---|---|\n| `a_b` / `c` | 401 / 403 | x |\n| `d` / `e` | 422 | y |\n\n## Next\n| `z` | 1 |');
  assert.deepEqual([...t], [['a_b', 401], ['c', 403], ['d', 422], ['e', 422]]);
});

test('README lists every error code with the HTTP status it is answered with', () => {
  const table = tableStatuses(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'));
  const wrong = ERROR_CODES.filter((c) => table.get(c) !== HTTP_STATUS[c]).map((c) => `${c}: README ${table.get(c) ?? 'nothing'}, answered ${HTTP_STATUS[c]}`);
  assert.deepEqual(wrong, []);
  assert.deepEqual([...table.keys()].filter((c) => !(ERROR_CODES as readonly string[]).includes(c)), [], 'no code the catalogue does not have');
});
