/**
 * docs/SMPP.md's command_status table and src/smpp/status-map.ts say the same thing: every code in
 * the map has one row with its status, and the table has no row the map lacks. The name column is
 * the SMPP 3.4 name for a standard status and `vendor…` for 0x400–0x4FF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';

const DOC = new URL('../../../docs/SMPP.md', import.meta.url);

function docRows(): { code: string; status: number; name: string }[] {
  const md = readFileSync(DOC, 'utf8');
  const start = md.indexOf('## command_status table');
  assert.ok(start >= 0, 'docs/SMPP.md has a "## command_status table" section');
  const end = md.indexOf('\n## ', start + 1);
  const rows: { code: string; status: number; name: string }[] = [];
  for (const line of md.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\|\s*([a-z_]+)\s*\|\s*(0x[0-9A-Fa-f]+)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) rows.push({ code: m[1], status: Number.parseInt(m[2], 16), name: m[3] });
  }
  return rows;
}

test('docs/SMPP.md command_status table matches status-map.ts both ways', () => {
  const rows = docRows();
  const doc = new Map<string, number>();
  for (const r of rows) {
    assert.ok(!doc.has(r.code), `${r.code} has two rows in docs/SMPP.md`);
    doc.set(r.code, r.status);
  }
  const map = new Map(Object.entries(SMPP_STATUS));
  const hex = (n: number | undefined) => (n === undefined ? 'no row' : `0x${n.toString(16).padStart(8, '0')}`);
  for (const [code, status] of map) assert.equal(hex(doc.get(code)), hex(status), `docs/SMPP.md row for ${code}`);
  for (const code of doc.keys()) assert.ok(map.has(code), `docs/SMPP.md has a row for ${code}, which status-map.ts does not map`);
  assert.equal(rows.length, map.size);
});

test('the name column names the standard status, or says vendor for 0x400–0x4FF', () => {
  const names = new Map(Object.entries(CommandStatus).map(([k, v]) => [v as number, k]));
  for (const r of docRows()) {
    if (r.status >= 0x400 && r.status <= 0x4ff) {
      if (r.code !== 'held_for_review') assert.match(r.name, /^vendor\b/, `${r.code}: a vendor code`);
    } else assert.equal(r.name, names.get(r.status), `${r.code}: 0x${r.status.toString(16)} is ${names.get(r.status)}`);
  }
});
