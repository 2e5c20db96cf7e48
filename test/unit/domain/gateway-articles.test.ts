/**
 * Every article the code states is either a profile's (with its Chinese beside it, `articleZh`) or one
 * of the gateway's own in src/domain/gateway-articles.ts (with its Chinese there): none is written as
 * a bare string where it is used, where the web pages could not find its Chinese.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GATEWAY_ARTICLES, gatewayArticleZh } from '../../../src/domain/gateway-articles.js';

const SRC = new URL('../../../src/', import.meta.url).pathname;
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});

test('no article is written as a string literal outside the profiles and gateway-articles.ts', () => {
  const found: string[] = [];
  for (const f of files(SRC)) {
    const rel = relative(SRC, f);
    if (rel.startsWith('profiles/') || rel === 'domain/gateway-articles.ts') continue;
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (/\barticle\s*:\s*['"`]/.test(line)) found.push(`${rel}:${i + 1}`);
    });
  }
  assert.deepEqual(found, [], 'an article of the gateway\'s own goes in src/domain/gateway-articles.ts, with its Chinese');
});

test('each of the gateway\'s own articles has its Chinese, found by its English', () => {
  const en = Object.values(GATEWAY_ARTICLES).map((a) => a.en);
  assert.equal(new Set(en).size, en.length, 'one English per article');
  for (const a of Object.values(GATEWAY_ARTICLES)) {
    assert.ok(/[\u4e00-\u9fff]/u.test(a.zh), a.en);
    assert.equal(gatewayArticleZh(a.en), a.zh);
  }
  assert.equal(gatewayArticleZh('Art. 18 (consent or request of the user)'), undefined, 'a profile\'s article is the profile\'s to translate');
});
