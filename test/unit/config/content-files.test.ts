/**
 * A content file the environment names that cannot be used is refused at start like any setting:
 * one line per problem, naming its variable. The lines said `content governance configuration:`
 * and the path, all on one line, never which variable to fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContentConfig } from '../../../src/config/content-files.js';
import { ConfigError } from '../../../src/config/schema.js';

test('each problem of the content files names its variable, one line each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-content-env-'));
  try {
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ bucketMs: 'x' }));
    assert.throws(() => loadContentConfig({
      SMSGUARD_CONTENT_LEXICON: join(dir, 'missing.json'),
      SMSGUARD_EARLY_WARNING_POLICY: join(dir, 'policy.json'),
      SMSGUARD_CONTENT_THRESHOLD: 'abc',
    }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 3, e.message);
      assert.match(e.problems[0], /^SMSGUARD_CONTENT_LEXICON: .*missing\.json: ENOENT/);
      assert.match(e.problems[1], /^SMSGUARD_EARLY_WARNING_POLICY: .*policy\.json: rules: required array/);
      assert.match(e.problems[2], /^SMSGUARD_CONTENT_THRESHOLD: threshold: a decimal number in \(0, 1\], got "abc"/);
      return true;
    });
    assert.deepEqual(loadContentConfig({}), {}, 'none given: the shipped lexicon, policy and threshold');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
