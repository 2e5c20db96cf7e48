import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMnpCsv, mnpProblemLines } from '../../../src/config/mnp-file.js';
import { PortedNumbers } from '../../../src/smpp/client/ported-numbers.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { parseUpstreamFile } from '../../../src/config/upstream-file.js';

test('every accepted number form reads as the same number; carriers compare without case', () => {
  const { data, problems } = parseMnpCsv([
    'msisdn,carrier',
    '13800138000,ctcc',
    '+8613900139000, CUCC ',
    '0086 137 0013 7000,cmcc',
    '# a comment',
    '',
    '8613600136000,ctcc',
  ].join('\n'));
  assert.deepEqual(problems, []);
  const l = new PortedNumbers(data);
  assert.equal(l.size, 4);
  assert.equal(l.carrierOf('8613800138000'), 'ctcc');
  assert.equal(l.carrierOf('8613900139000'), 'cucc');
  assert.equal(l.carrierOf('8613700137000'), 'cmcc');
  assert.equal(l.carrierOf('8613600136000'), 'ctcc');
  assert.deepEqual([...l.names].sort(), ['cmcc', 'ctcc', 'cucc']);
});

test('numbers not in the list, and strings that are no mainland mobile, are not found', () => {
  const l = new PortedNumbers(parseMnpCsv('13800138000,ctcc\n13800138002,cucc\n').data);
  for (const x of ['8613800138001', '8613800137999', '13800138000', '861380013800', '86138001380000', '4413800138000', '86138001380x0', ''])
    assert.equal(l.carrierIndexOf(x), -1, x);
  assert.equal(l.carrierOf('8613800138002'), 'cucc');
});

test('bad lines are reported with their line numbers and skipped; the rest is kept', () => {
  const { data, problems } = parseMnpCsv('13800138000,ctcc\n12345,ctcc\n13900139000\n13700137000,\n13600136000,cmcc\r\n');
  assert.deepEqual(problems.map((p) => p.line), [2, 3, 4]);
  assert.match(problems[0].message, /not a mainland mobile/);
  const l = new PortedNumbers(data);
  assert.equal(l.size, 2);
  assert.equal(l.carrierOf('8613600136000'), 'cmcc');
  assert.deepEqual(mnpProblemLines('p.csv', problems, problems.length, 2), ['p.csv:2: not a mainland mobile number: 12345', 'p.csv:3: expected msisdn,carrier', 'p.csv: 1 more problems']);
});

test('a file of garbage keeps the first 1000 problems and counts the rest', () => {
  const { data, problems, skipped } = parseMnpCsv(Array.from({ length: 1500 }, (_, i) => `x${i},ctcc`).join('\n'));
  assert.equal(new PortedNumbers(data).size, 0);
  assert.equal(problems.length, 1000);
  assert.equal(skipped, 1500);
  assert.equal(mnpProblemLines('p.csv', problems, skipped).at(-1), 'p.csv: 1480 more problems');
});

test('a number under two carriers is left out and reported; the same carrier twice is kept once', () => {
  const { data, problems } = parseMnpCsv('13800138000,ctcc\n13900139000,cucc\n13800138000,cucc\n13900139000,CUCC\n');
  const l = new PortedNumbers(data);
  assert.equal(l.size, 1);
  assert.equal(l.carrierOf('8613800138000'), undefined);
  assert.equal(l.carrierOf('8613900139000'), 'cucc');
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /^138\*\*\*\*8000 is listed under (ctcc and cucc|cucc and ctcc)/);
});

test('a large list stays sorted and every number is found (binary search edges)', () => {
  const lines: string[] = [];
  const carriers = ['cmcc', 'cucc', 'ctcc'];
  // descending in the file: the loader sorts
  for (let i = 4999; i >= 0; i--) lines.push(`+86138${String(i * 7).padStart(8, '0')},${carriers[i % 3]}`);
  const l = new PortedNumbers(parseMnpCsv(lines.join('\n')).data);
  assert.equal(l.size, 5000);
  for (let i = 0; i < 5000; i++) assert.equal(l.carrierOf(`86138${String(i * 7).padStart(8, '0')}`), carriers[i % 3]);
  assert.equal(l.carrierOf(`86138${String(3).padStart(8, '0')}`), undefined);
});

test('links name their carrier in the smpp:// URL and in the upstream file', () => {
  assert.equal(parseUpstreamUrl('smpp://u:p@h:1?name=a&carrier=ctcc').carrier, 'ctcc');
  assert.equal(parseUpstreamUrl('smpp://u:p@h:1?name=a').carrier, undefined);
  assert.throws(() => parseUpstreamUrl('smpp://u:p@h:1?carrier='), /carrier= is empty/);
  const [l] = parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', carrier: 'cmcc' }] }));
  assert.equal(l.carrier, 'cmcc');
});
