/**
 * SMSGUARD_PROFILE_OVERRIDES is checked when the configuration loads, with every other problem
 * (README: "The configuration is validated once at start and every problem is reported together").
 * Found by QA against `smsguard start`: `{"maxLenght":300}` stopped the start with a stack trace from
 * resolveProfile, and `{"maxLength":"x"}` started a gateway that refused every message ("911
 * characters exceed the limit of x"); a bad quiet-hours time zone would have failed every commercial
 * decision at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/schema.js';
import { overrideProblems, resolveProfile } from '../../../src/profiles/index.js';

function problems(overrides: string, env: Record<string, string> = {}, flags: Record<string, unknown> = {}): string[] {
  try {
    loadConfig(flags, { SMSGUARD_PROFILE_OVERRIDES: overrides, ...env });
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
}

test('overrides shaped like the defaults load, and the profile applies them', () => {
  const ok = '{"maxLength":300,"optOutScope":"signature","refusalNoticeSeparator":"，","optOutKeywords":["TD","退订"],'
    + '"quietHours":{"start":"09:00","end":"20:30","timeZone":"Asia/Shanghai"},"verificationLimits":{"perMinute":1,"perHour":3,"perDay":6},'
    + '"noReplyMeansRefusal":false,"complaintRateThresholdPerMillion":0.5}';
  assert.deepEqual(problems(ok), []);
  const c = loadConfig({}, { SMSGUARD_PROFILE_OVERRIDES: ok });
  const p = resolveProfile('cn-2015', JSON.parse(c.profileOverrides));
  assert.equal(p.params.maxLength.value, 300);
  assert.equal(p.params.maxLength.overridden, true);
  assert.deepEqual(problems('{}'), []);
});

test('a parameter the profile does not have is a configuration problem, not a crash', () => {
  const [p, ...rest] = problems('{"maxLenght":300}');
  assert.equal(rest.length, 0);
  assert.match(p, /^profileOverrides \(SMSGUARD_PROFILE_OVERRIDES\): maxLenght: not a parameter of profile cn-2015 \(its parameters: .*maxLength/);
  assert.ok(p.endsWith(' (checked against cn-2015, the default profile: neither --profile nor SMSGUARD_PROFILE was given)'), p);
});

// The lines did not say the profile was the default one the operator never chose (2026-12-07).
test('each line says which profile the overrides were checked against and where it came from, the default one said so', () => {
  const tail = (ps: string[]) => ps.find((p) => p.startsWith('profileOverrides'))!.replace(/^.*(?= \(checked against)/, '');
  assert.equal(tail(problems('{"maxLength":"x"}')), ' (checked against cn-2015, the default profile: neither --profile nor SMSGUARD_PROFILE was given)');
  assert.equal(tail(problems('{"maxLength":"x"}', {}, { profile: 'cn-2026' })), ' (checked against cn-2026, profile (--profile))');
  assert.equal(tail(problems('{"maxLength":"x"}', { SMSGUARD_PROFILE: 'cn-2015' })), ' (checked against cn-2015, profile (SMSGUARD_PROFILE))');
  const bad = problems('{"maxLength":"x"}', {}, { profile: 'cn-1999' });
  assert.equal(bad.length, 2, bad.join('\n'));
  assert.equal(tail(bad), ' (checked against cn-2015, the default profile, profile (--profile) not being one)');
  assert.ok(!problems('{maxLength:300}')[0].includes('checked against'), 'not JSON: checked against nothing');
});

test('a value not shaped like the default is refused, naming the parameter and the field', () => {
  const cases: [string, RegExp][] = [
    ['{"maxLength":"x"}', /maxLength: must be a number ≥ 0 \(default 500\), got "x"/],
    ['{"maxLength":-1}', /maxLength: must be a number ≥ 0/],
    ['{"retentionMonths":null}', /retentionMonths: must be a number ≥ 0/],
    ['{"noReplyMeansRefusal":"false"}', /noReplyMeansRefusal: must be a boolean/],
    ['{"refusalNotice":1}', /refusalNotice: must be a string/],
    ['{"optOutKeywords":"TD"}', /optOutKeywords: must be an array/],
    ['{"optOutKeywords":["TD",""]}', /optOutKeywords\/1: must be a non-empty string/],
    ['{"optOutScope":"number"}', /optOutScope: must be one of "content-provider", "signature", got "number"/],
    ['{"quietHours":{"start":"09:00"}}', /quietHours\/end: missing \(the whole value is replaced: give start, end, timeZone\)/],
    ['{"quietHours":{"start":"9:00","end":"21:00","timeZone":"Asia/Shanghai"}}', /quietHours\/start: must be a time HH:MM/],
    ['{"quietHours":{"start":"08:00","end":"21:00","timeZone":"Asia/Beijing"}}', /quietHours\/timeZone: not a time zone/],
    ['{"verificationLimits":{"perMinute":1,"perHour":5,"perDay":10,"perWeek":20}}', /verificationLimits: unknown field perWeek/],
    ['[300]', /must be a JSON object of profile parameters/],
    ['{maxLength:300}', /not JSON/],
  ];
  for (const [overrides, message] of cases) {
    const ps = problems(overrides);
    assert.equal(ps.length, 1, `${overrides}: ${ps.join(' | ')}`);
    assert.match(ps[0], /^profileOverrides \(SMSGUARD_PROFILE_OVERRIDES\): /);
    assert.match(ps[0], message, overrides);
  }
});

test('reported together with the other problems, checked against the profile chosen', () => {
  const ps = problems('{"maxLength":"x","nope":1}', { SMSGUARD_HTTP_PORT: 'abc' });
  assert.equal(ps.length, 3, ps.join('\n'));
  assert.match(ps[0], /^httpPort \(SMSGUARD_HTTP_PORT\)/);
  assert.match(ps[1], /maxLength: must be a number/);
  assert.match(ps[2], /nope: not a parameter of profile cn-2015/);
  assert.match(problems('{"nope":1}', {}, { profile: 'cn-2026' })[0], /nope: not a parameter of profile cn-2026/);
  assert.deepEqual(overrideProblems('cn-2026', { retentionMonths: 12 }), []);
});
