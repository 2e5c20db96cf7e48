/**
 * A link's bounds (window, throughput, weight, systemId, password, systemType) are one table
 * (LINK_BOUNDS) that a `smpp://` URL and the upstream file both check: the same value is taken or
 * refused either way, naming the key, and an out-of-range value is refused, never coerced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamFile } from '../../../src/config/upstream-file.js';
import { LINK_BOUNDS, parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { ConfigError } from '../../../src/config/schema.js';

const viaFile = (link: Record<string, unknown>) => parseUpstreamFile(JSON.stringify({ links: [{ name: 'l', host: 'h', systemId: 'sg', password: 'pw', ...link }] }))[0];
const fileProblem = (link: Record<string, unknown>): string => {
  try {
    viaFile(link);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems.join('\n');
  }
  return '';
};
const urlProblem = (q: string, user = 'sg:pw'): string => {
  try {
    parseUpstreamUrl(`smpp://${user}@10.0.0.5:2775?${q}`);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

test('out-of-range numbers are refused by URL and file alike, naming the key (window=0 is not run as 1)', () => {
  const cases: [string, number][] = [['window', 0], ['window', 10_001], ['window', 2.5], ['throughput', 100_001], ['throughput', 1_000_000_000_000], ['weight', 1_001]];
  for (const [k, v] of cases) {
    assert.match(urlProblem(`${k}=${v}`), new RegExp(`^upstream: ${k}=${v} is out of range: ${k} takes `), `url ${k}=${v}`);
    assert.match(fileProblem({ [k]: v }), new RegExp(`links\\.0\\.${k}: takes `), `file ${k}=${v}`);
  }
  // below zero: a URL's text is not a number at all; the file's number is out of range
  for (const k of ['throughput', 'weight']) {
    assert.match(urlProblem(`${k}=-1`), new RegExp(`^upstream: ${k}=-1 is not a decimal number`));
    assert.match(fileProblem({ [k]: -1 }), new RegExp(`links\\.0\\.${k}: takes `));
  }
  // numbers a person does not type meaning a number
  for (const v of ['', '0x10', '1e3', 'abc', '-1']) assert.match(urlProblem(`window=${v}`), /^upstream: window=.* is not a decimal number: window takes 1-10000 \(an integer\)$/, `window=${v}`);
});

test('the bounds themselves are taken the same way by URL and file', () => {
  for (const k of ['window', 'throughput', 'weight'] as const) {
    for (const v of [LINK_BOUNDS[k].min, LINK_BOUNDS[k].max]) {
      assert.equal(parseUpstreamUrl(`smpp://sg:pw@h:1?${k}=${v}`)[k], v);
      assert.equal(viaFile({ [k]: v })[k], v);
    }
  }
  assert.equal(parseUpstreamUrl('smpp://sg:pw@h:1?throughput=0.5').throughput, 0.5);
});

test('systemId (15), password (8) and systemType (12) are held to SMPP 3.4 lengths from a URL as from the file, the password never quoted', () => {
  const id16 = 'a'.repeat(16), pw9 = 'Secret123', st13 = 't'.repeat(13);
  assert.match(urlProblem('', `${id16}:pw`), /^upstream: systemId is 16 characters; SMPP 3\.4 allows at most 15/);
  assert.match(urlProblem('', `sg:${pw9}`), /^upstream: password is 9 characters; SMPP 3\.4 allows at most 8/);
  assert.ok(!urlProblem('', `sg:${pw9}`).includes(pw9));
  assert.match(urlProblem(`systemType=${st13}`), /^upstream: systemType is 13 characters/);
  assert.match(fileProblem({ systemId: id16 }), /links\.0\.systemId/);
  assert.match(fileProblem({ password: pw9 }), /links\.0\.password/);
  assert.match(fileProblem({ systemType: st13 }), /links\.0\.systemType/);
  // the longest allowed pass both ways (a percent-encoded password counts decoded)
  const ok = parseUpstreamUrl(`smpp://${'a'.repeat(15)}:${encodeURIComponent('p@ss:w/d')}@h:1?systemType=${'t'.repeat(12)}`);
  assert.deepEqual([ok.systemId.length, ok.password, ok.systemType?.length], [15, 'p@ss:w/d', 12]);
  assert.equal(viaFile({ systemId: 'a'.repeat(15), password: 'p'.repeat(8) }).password, 'p'.repeat(8));
});
