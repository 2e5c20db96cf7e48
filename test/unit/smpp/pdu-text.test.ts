import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  alphabetOf, decodeText, encodeText, isGsm7, encodeGsm7, decodeGsm7, parseUdh, buildConcatUdh, buildDlrText, parseDlrText,
  segmentText, chooseDataCoding, formatDlrDate, parseDlrDate,
} from '../../../src/smpp/pdu/index.js';
import { parseGeneral } from '../../../src/smpp/pdu/dlr.js';
import { firstCodePoints, halfUcs2Unit } from '../../../src/smpp/pdu/text.js';

describe('data_coding', () => {
  test('GSM-7 known octets, extension table behind 0x1B', () => {
    assert.deepEqual(encodeGsm7('@£$A{€}'), Buffer.from([0x00, 0x01, 0x02, 0x41, 0x1b, 0x28, 0x1b, 0x65, 0x1b, 0x29]));
    assert.equal(decodeGsm7(Buffer.from([0x00, 0x01, 0x02, 0x41, 0x1b, 0x28, 0x1b, 0x65])), '@£$A{€');
    assert.equal(isGsm7('Hello {world} €5'), true);
    assert.equal(isGsm7('你好'), false);
  });

  test('UCS-2 carries Chinese (and astral characters as surrogate pairs)', () => {
    const s = '【示例】您的验证码是123456 😀';
    const b = encodeText(s, 8);
    assert.equal(b.subarray(0, 2).toString('hex'), '3010');
    assert.equal(decodeText(b, 8), s);
  });

  test('Latin-1 round trip', () => {
    assert.equal(decodeText(encodeText('café ü', 3), 3), 'café ü');
  });

  test('GSM 03.38 coding groups above 0x0F are read by their alphabet, not as Latin-1', () => {
    // 0xF0–0xF3: GSM 7-bit with a message class (0xF0 flash); 0xF4–0xF7: 8-bit data
    const gsm = Buffer.from([0x00, 0x48, 0x69, 0x11, 0x1b, 0x65]);
    for (const dc of [0xf0, 0xf1, 0xf2, 0xf3]) assert.equal(decodeText(gsm, dc), '@Hi_€', `0x${dc.toString(16)}`);
    assert.equal(alphabetOf(0xf4), 'latin1');
    // 0x10–0x1F general group with a class: bits 3-2 00 GSM, 01 8-bit, 10 UCS-2 (0x18: flash Chinese)
    assert.equal(decodeText(encodeText('你好', 8), 0x18), '你好');
    assert.equal(decodeText(encodeText('你好', 8), 0x19), '你好');
    assert.equal(decodeText(gsm, 0x10), '@Hi_€');
    assert.equal(alphabetOf(0x14), 'latin1');
    // automatic deletion group (0x50–0x5F) alike; message waiting groups: 0xC0–0xDF GSM, 0xE0–0xEF UCS-2
    assert.equal(decodeText(encodeText('你好', 8), 0x58), '你好');
    assert.equal(decodeText(gsm, 0xc8), '@Hi_€');
    assert.equal(decodeText(encodeText('你好', 8), 0xe8), '你好');
    // SMPP 3.4's own values keep their meaning: 1 IA5, 3 Latin-1, 4 octets; compressed groups as octets
    for (const dc of [1, 2, 3, 4, 5, 0x20, 0x38]) assert.equal(alphabetOf(dc), 'latin1', `0x${dc.toString(16)}`);
    assert.equal(alphabetOf(0), 'gsm7');
    assert.equal(alphabetOf(8), 'ucs2');
  });

  test('property: any GSM-representable string round-trips through data_coding 0', () => {
    const alphabet = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€\f";
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 200 }), (s) => {
      assert.equal(decodeText(encodeText(s, 0), 0), s);
    }));
  });

  test('property: any string round-trips through UCS-2; decoders never throw on any octets', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (s, raw) => {
      // lone surrogates are not representable in UTF-16 either, so compare only well-formed strings
      if (!/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) assert.equal(decodeText(encodeText(s, 8), 8), s);
      for (const dc of [0, 1, 3, 8, 4, 0xf0]) decodeText(Buffer.from(raw), dc);
    }));
  });

  test('chooseDataCoding: GSM when possible, else UCS-2', () => {
    assert.equal(chooseDataCoding('abc'), 0);
    assert.equal(chooseDataCoding('验证码'), 8);
  });
});

describe('UDH concatenation', () => {
  test('8-bit and 16-bit references parse back', () => {
    const a = parseUdh(Buffer.concat([buildConcatUdh({ ref: 0x42, total: 3, seq: 2 }), Buffer.from('xy')]));
    assert.deepEqual(a?.concat, { ref: 0x42, total: 3, seq: 2, bits: 8 });
    assert.equal(a?.payload.toString(), 'xy');
    const b = parseUdh(Buffer.concat([buildConcatUdh({ ref: 0x1234, total: 2, seq: 1 }), Buffer.from('z')]));
    assert.deepEqual(b?.concat, { ref: 0x1234, total: 2, seq: 1, bits: 16 });
  });

  test('other IEs are skipped, malformed headers are undefined', () => {
    // UDHL 8: IE 0x24 len 1, then 8-bit concat
    const sm = Buffer.from([8, 0x24, 1, 0x01, 0x00, 3, 9, 2, 1, 0x41]);
    assert.deepEqual(parseUdh(sm)?.concat, { ref: 9, total: 2, seq: 1, bits: 8 });
    assert.equal(parseUdh(Buffer.from([10, 0, 3])), undefined);
    assert.equal(parseUdh(Buffer.from([3, 0, 5, 1])), undefined);
  });

  test('property: parseUdh never throws', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (a) => { parseUdh(Buffer.from(a)); }), { numRuns: 3000 });
  });

  test('segmentText: long Chinese text splits in 67-char parts that rebuild the text', () => {
    const text = '验证码'.repeat(50); // 150 chars
    const segs = segmentText(text, 8, 7);
    assert.equal(segs.length, 3);
    const rebuilt = segs.map((s) => decodeText(parseUdh(s.shortMessage)!.payload, 8)).join('');
    assert.equal(rebuilt, text);
    assert.ok(segs.every((s) => s.shortMessage.length <= 140));
  });

  test('segmentText: never splits a GSM escape or a surrogate pair', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', '€', '{', 'b'), minLength: 150, maxLength: 600 }), fc.integer({ min: 0, max: 65535 }), (s, ref) => {
      const segs = segmentText(s, 0, ref);
      const rebuilt = segs.map((g) => (g.udhi ? decodeText(parseUdh(g.shortMessage)!.payload, 0) : decodeText(g.shortMessage, 0))).join('');
      assert.equal(rebuilt, s);
      assert.ok(segs.every((g) => g.shortMessage.length <= 160));
    }));
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('中', '😀'), minLength: 71, maxLength: 300 }), (s) => {
      const segs = segmentText(s, 8, 1);
      assert.equal(segs.map((g) => decodeText(parseUdh(g.shortMessage)!.payload, 8)).join(''), s);
    }));
  });
});

describe('half a UCS-2 unit', () => {
  test('an odd octet count is half a character in every UCS-2 coding (8, 0x18, 0xE0), a text in the one-octet ones', () => {
    const odd = Buffer.from([0x4f, 0x60, 0x4f]);
    for (const dc of [8, 0x18, 0x19, 0x58, 0xe0]) assert.equal(halfUcs2Unit(odd, dc), true, `0x${dc.toString(16)}`);
    for (const dc of [0, 1, 3, 4, 0x10, 0xf0, 0xf4]) assert.equal(halfUcs2Unit(odd, dc), false, `0x${dc.toString(16)}`);
    assert.equal(halfUcs2Unit(Buffer.from([0x4f, 0x60]), 8), false);
    assert.equal(halfUcs2Unit(Buffer.alloc(0), 8), false);
  });

  test('decodeText reads the odd last octet of a UCS-2 text as U+FFFD, never drops it in silence', () => {
    assert.equal(decodeText(Buffer.from([0x4f, 0x60, 0x4f]), 8), '你\ufffd');
    assert.equal(decodeText(Buffer.from([0x4f]), 0x18), '\ufffd');
    assert.equal(decodeText(Buffer.from([0x4f, 0x60]), 8), '你');
    assert.equal(decodeText(Buffer.alloc(0), 8), '');
    // an astral character whole, then half a unit
    assert.equal(decodeText(Buffer.concat([encodeText('😀', 8), Buffer.from([0xd8])]), 8), '😀\ufffd');
  });
});

describe('delivery receipt text', () => {
  test('build → parse keeps every field', () => {
    const submit = Date.UTC(2026, 10, 29, 12, 0);
    const done = submit + 60_000;
    const t = buildDlrText({ id: 'abc123', sub: 1, dlvrd: 1, submitDate: submit, doneDate: done, stat: 'DELIVRD', err: '0', text: '【示例】您的验证码是123456，请勿泄露' });
    assert.match(t, /^id:abc123 sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:/);
    const p = parseDlrText(t)!;
    assert.equal(p.id, 'abc123');
    assert.equal(p.stat, 'DELIVRD');
    assert.equal(p.submitDate, submit);
    assert.equal(p.doneDate, done);
    assert.equal(p.err, '000');
    assert.equal(p.text, '【示例】您的验证码是123456，请勿泄露'.slice(0, 20));
  });

  test('the text is cut at 20 characters counted in code points: an emoji is never split into a lone surrogate', () => {
    const text = `${'a'.repeat(19)}😀b`;
    const t = buildDlrText({ id: 'x', sub: 1, dlvrd: 1, submitDate: 0, doneDate: 0, stat: 'DELIVRD', err: '0', text });
    assert.ok(t.endsWith(`text:${'a'.repeat(19)}😀`), t);
    assert.ok((t as unknown as { isWellFormed(): boolean }).isWellFormed());
    assert.equal(firstCodePoints('😀'.repeat(30), 20), '😀'.repeat(20));
    assert.equal(firstCodePoints('ab', 20), 'ab');
    // a lone surrogate already in the input is one character, as segments.ts counts it
    assert.equal(firstCodePoints('\ud800xyz', 2), '\ud800x');
  });

  test('lenient: case, order, missing fields, "id:" inside text', () => {
    const p = parseDlrText('ID:0A1b stat:undeliv Err:001 text:my id:9 here')!;
    assert.equal(p.id, '0A1b');
    assert.equal(p.stat, 'UNDELIV');
    assert.equal(p.text, 'my id:9 here');
    assert.equal(parseDlrText('hello world'), undefined);
  });

  test('dates are UTC+8 YYMMDDhhmm', () => {
    assert.equal(formatDlrDate(Date.UTC(2026, 0, 1, 16, 5)), '2601020005');
    assert.equal(parseDlrDate('2601020005'), Date.UTC(2026, 0, 1, 16, 5));
    assert.ok(Number.isNaN(parseDlrDate('26x1')));
  });

  test('property: formatting a date is the same whatever was formatted before it (the last minute is remembered)', () => {
    const slow = (ms: number, off: number) => {
      const d = new Date(ms + off * 60_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
    };
    // times near each other (same minute, the next, a second apart) and offsets that differ
    const at = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2098, 11, 31) });
    fc.assert(fc.property(fc.array(fc.tuple(at, fc.integer({ min: -120_000, max: 120_000 }), fc.constantFrom(480, 0, 540)), { minLength: 1, maxLength: 20 }), (xs) => {
      for (const [ms, step, off] of xs) {
        assert.equal(formatDlrDate(ms, off), slow(ms, off));
        assert.equal(formatDlrDate(ms + step, off), slow(ms + step, off));
      }
    }));
  });

  test('property: a receipt in the appendix layout reads the same through the fast path as through the general parser', () => {
    const id = fc.stringMatching(/^[0-9A-Za-z_-]{1,20}$/);
    const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    const date = fc.oneof(digits(10), digits(12), digits(9), fc.constant('26x1021200'));
    const word = fc.oneof(fc.constantFrom('DELIVRD', 'undeliv', 'EXPIRED', 'REJECTD'), fc.stringMatching(/^[A-Za-z0-9:]{0,8}$/));
    const text = fc.string({ maxLength: 30 });
    fc.assert(fc.property(id, digits(3), digits(3), date, date, word, word, text, (i, sub, dlvrd, sd, dd, stat, err, t) => {
      const s = `id:${i} sub:${sub} dlvrd:${dlvrd} submit date:${sd} done date:${dd} stat:${stat} err:${err} text:${t}`;
      assert.deepEqual(parseDlrText(s), parseGeneral(s));
    }), { numRuns: 3000 });
    // and the layout read by position really is the one the gateway's own receipts have
    const built = buildDlrText({ id: 'abc', sub: 1, dlvrd: 1, submitDate: 0, doneDate: 0, stat: 'DELIVRD', err: '0', text: 'x y' });
    assert.deepEqual(parseDlrText(built), parseGeneral(built));
  });

  test('property: parseDlrText never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => { parseDlrText(s); }), { numRuns: 2000 });
  });
});
