/** The paged lists' cursor: what encodeCursor writes decodes to the same seq; nothing else decodes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYSET_CURSOR_MAX, decodeCursor, decodeKeysetCursor, encodeCursor, encodeKeysetCursor, keysetPage } from '../../../src/domain/page-cursor.js';

const SEQS = [0, 1, 35, 36, 1295, 1296, 46_655, 1_000_000, 2 ** 31, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];

test('every seq round-trips, written as base 36, a dot and two check characters', () => {
  for (const seq of SEQS) {
    const c = encodeCursor(seq);
    assert.match(c, /^[0-9a-z]{1,11}\.[0-9a-z]{2}$/, c);
    assert.equal(c.split('.')[0], seq.toString(36));
    assert.equal(decodeCursor(c), seq, c);
  }
  for (let seq = 0; seq < 5000; seq++) assert.equal(decodeCursor(encodeCursor(seq)), seq);
});

test('a cursor it did not write is invalid_request naming the field', () => {
  const bad = ['', 'zzz', '46655', 'zzz.00', '.', '1.', '.00', '-1.00', ' 1.00', 'zzzzzzzzzzzz.00', '1.0', '1.000'];
  for (const seq of SEQS) {
    const c = encodeCursor(seq);
    const [digits, check] = c.split('.');
    bad.push(c.toUpperCase() === c ? `${c}0` : c.toUpperCase(), `0${c}`, `${c} `, digits, `${digits}.${check === '00' ? '01' : '00'}`);
  }
  for (const c of bad) {
    assert.throws(() => decodeCursor(c), { code: 'invalid_request', field: 'cursor', message: /^cursor: not a cursor this API returned/ }, JSON.stringify(c));
  }
  assert.throws(() => decodeCursor('zzz', 'after'), { field: 'after', message: /^after: / });
});

test('the check characters catch nearly every change of one digit', () => {
  // a one-character typo in the seq passes only if the check happens to match: rare, never systematic
  let passed = 0;
  let tried = 0;
  for (let seq = 1000; seq < 1400; seq += 1) {
    const [digits, check] = encodeCursor(seq).split('.');
    for (let i = 0; i < digits.length; i++) {
      for (const ch of '0123456789abcdefghijklmnopqrstuvwxyz') {
        if (ch === digits[i] || (i === 0 && ch === '0')) continue;
        tried++;
        try {
          decodeCursor(`${digits.slice(0, i)}${ch}${digits.slice(i + 1)}.${check}`);
          passed++;
        } catch { /* refused, as it should be */ }
      }
    }
  }
  // two check characters: 1 in 1,296 (0.08 %) by chance; FNV-1a without a finalizer let 0.55 % through
  assert.ok(passed / tried < 0.002, `${passed} of ${tried} one-digit typos passed`);
});

test('encodeCursor refuses what is not a seq (a bug in the caller, not client input)', () => {
  for (const v of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) assert.throws(() => encodeCursor(v), RangeError, String(v));
});

test('a keyset cursor (time, id) round-trips; one it did not write, or a seq cursor, is invalid_request', () => {
  const places = [{ at: 0, id: 'a' }, { at: 1_790_000_000_000, id: 'msg_0mxd2e6t29cf28dc6e007' }, { at: 5, id: 'msg_x:delivered' }, { at: 7, id: 'mo:模' }, { at: Number.MAX_SAFE_INTEGER, id: 'z'.repeat(255) }];
  for (const p of places) {
    const c = encodeKeysetCursor(p);
    assert.ok(c.length <= KEYSET_CURSOR_MAX || /[^\x00-\x7f]/.test(p.id), c);
    assert.deepEqual(decodeKeysetCursor(c), p, c);
    const [at, id, check] = c.split('.');
    for (const bad of [`${at}.${id}`, `${at}.${id}.${check === '00' ? '01' : '00'}`, `0${c}`, `${c} `, c.toUpperCase(), `${at}.${id}=.${check}`]) {
      assert.throws(() => decodeKeysetCursor(bad), { code: 'invalid_request', field: 'cursor', message: /^cursor: not a cursor this API returned/ }, bad);
    }
  }
  assert.throws(() => decodeKeysetCursor(encodeCursor(12)), { code: 'invalid_request' });
  assert.throws(() => decodeCursor(encodeKeysetCursor({ at: 12, id: 'a' })), { code: 'invalid_request' });
  assert.throws(() => decodeKeysetCursor('', 'after'), { field: 'after' });
});

test('keysetPage: a page of `limit` with the cursor of its last row when more follow, null on the last', () => {
  const rows = [1, 2, 3].map((n) => ({ at: n, id: `r${n}` }));
  const p = keysetPage(rows, 2, (r) => r);
  assert.deepEqual(p.rows, rows.slice(0, 2));
  assert.deepEqual(decodeKeysetCursor(p.nextCursor!), rows[1]);
  assert.deepEqual(keysetPage(rows, 3, (r) => r), { rows, nextCursor: null });
});
