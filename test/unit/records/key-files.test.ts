/**
 * Where the records' keys are read from (and so what `smsguard backup` copies): the files config
 * names, or the defaults beside the database; never a file for a key given inline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { recordsKeyFiles } from '../../../src/cli/records.js';
import type { Config } from '../../../src/config/schema.js';

const cfg = (o: Partial<Config>): Config => ({ db: 'var/g.db', ...o }) as Config;
const near = (f: string) => resolve('var', f);

test('defaults beside the database when config gives no key', () => {
  assert.deepEqual(recordsKeyFiles(cfg({})), { signingKey: near('records-signing.key'), trustedKeys: near('records-trusted-keys') });
});

test('files config names, as named', () => {
  assert.deepEqual(recordsKeyFiles(cfg({ recordsSigningKey: 'file:/k/sign.pem', recordsTrustedKeys: 'file:/k/trusted' })), { signingKey: '/k/sign.pem', trustedKeys: '/k/trusted' });
});

test('a key inline in config has no file, and a configured signing key means no default trusted file', () => {
  assert.deepEqual(recordsKeyFiles(cfg({ recordsSigningKey: 'MC4CAQAwBQYDK2VwBCIEI...' })), { signingKey: null, trustedKeys: null });
  assert.deepEqual(recordsKeyFiles(cfg({ recordsTrustedKeys: 'MCowBQYDK2VwAyEA...' })), { signingKey: near('records-signing.key'), trustedKeys: null });
});

test('an in-memory database has no key files', () => {
  assert.deepEqual(recordsKeyFiles(cfg({ db: ':memory:' })), { signingKey: null, trustedKeys: null });
});
