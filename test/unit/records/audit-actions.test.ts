/**
 * The audit actions' one list (src/domain/audit-actions.ts) against the code that writes them: every
 * action a writer names is in it (the compiler checks the typed ones; this reads every file of src, so
 * a writer that slips past the type, an `as` or a body built elsewhere, is caught too), and every name
 * in it is written somewhere or kept as retired, so the list that `GET /v1/records?type=` and the
 * records page check against neither misses a name nor keeps one by mistake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AUDIT_ACTIONS, KNOWN_AUDIT_ACTIONS, RETIRED_AUDIT_ACTIONS } from '../../../src/domain/audit-actions.js';
import { typeFilter } from '../../../src/app/record-filter-values.js';
import { SmsguardError } from '../../../src/domain/errors.js';

const SRC = resolve(new URL('../../../src', import.meta.url).pathname);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every action name the code writes: appendAudit's third argument, and `action: '…'` in a file that builds audit records. */
function written(): { names: Set<string>; prefixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const f of files(SRC)) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/appendAudit\(\s*[^,()]+(?:\([^()]*\))?,\s*[^,()]+,\s*(['`])([^'`]*)\1/g)) {
      const name = m[2];
      // a template (`review_queue.${action}`): its fixed part, checked against the list's names
      if (m[1] === '`' && name.includes('${')) prefixes.add(name.slice(0, name.indexOf('${')));
      else names.add(name);
    }
    if (/kind: 'audit'/.test(s)) {
      // `action: 'port.register'`, `const action: AuditAction = … ? 'signature.submit' : 'signature.register'`
      for (const line of s.split('\n')) {
        const at = line.search(/\baction\b(?:: AuditAction)? *[:=]/);
        if (at < 0) continue;
        for (const m of line.slice(at).matchAll(/'([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_-]*)+)'/g)) names.add(m[1]);
      }
    }
  }
  return { names, prefixes };
}

test('every action the code writes is in the list; every name in the list is written or retired', () => {
  const { names, prefixes } = written();
  assert.ok(names.size >= 30, `the scan finds the writers (${names.size})`);
  const listed = new Set<string>(AUDIT_ACTIONS);
  assert.deepEqual([...names].filter((n) => !listed.has(n)).sort(), [], 'written but not listed');
  for (const p of prefixes) assert.ok(AUDIT_ACTIONS.some((a) => a.startsWith(p)), `a template ${p}… names no listed action`);
  const unwritten = AUDIT_ACTIONS.filter((a) => !names.has(a) && ![...prefixes].some((p) => a.startsWith(p)));
  assert.deepEqual(unwritten, [], 'listed but written nowhere: move a name no longer written to RETIRED_AUDIT_ACTIONS (never drop it)');
});

test('the list holds each name once, each of the area.action form, the retired apart from the written', () => {
  assert.equal(new Set(KNOWN_AUDIT_ACTIONS).size, KNOWN_AUDIT_ACTIONS.length);
  for (const a of KNOWN_AUDIT_ACTIONS) assert.match(a, /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_-]*)+$/);
  for (const r of RETIRED_AUDIT_ACTIONS) assert.ok(!(AUDIT_ACTIONS as readonly string[]).includes(r));
});

test('the type filter takes every known action and no other name of the same form', () => {
  for (const a of KNOWN_AUDIT_ACTIONS) assert.equal(typeFilter(a), a);
  for (const [v, meant] of [['records.qurey', 'records.query'], ['record.query', 'records.query'], ['upstream_link.restart', 'upstream_link.start'], ['upstream_link.reboot', undefined], ['area.action', undefined]] as const) {
    assert.throws(() => typeFilter(v), (e: unknown) => {
      assert.ok(e instanceof SmsguardError);
      assert.equal(e.code, 'invalid_request');
      assert.equal(e.field, 'type');
      assert.equal(e.why?.id, meant ? 'filter_value_meant' : 'filter_value_unknown');
      if (meant) assert.ok(e.message.includes(`(did you mean ${meant}?)`), e.message);
      return true;
    }, v);
  }
});
