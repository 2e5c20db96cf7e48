/**
 * What follows a label on a page is `colon(lang)` (src/web/i18n.ts): the full-width colon on a Chinese
 * page, `: ` on an English one. A page that writes its own choice of the two drifts from the others
 * when one is changed (a missing space, an ASCII colon in Chinese text), so the pages call the helper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { colon } from '../../../src/web/i18n.js';

const WEB = new URL('../../../src/web/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

// `lang === 'en' ? ': ' : '：'`, `en ? ': ' : '：'` and the reverse: a colon chosen by language by hand.
const OWN_COLON = /\?\s*': '\s*:\s*'：'|\?\s*'：'\s*:\s*': '/g;

test('the web pages say a label\'s colon through colon(lang), nowhere by hand', () => {
  assert.deepEqual([colon('zh'), colon('en')], ['：', ': ']);
  const own: string[] = [];
  for (const file of sources(WEB)) {
    const rel = relative(WEB, file);
    if (rel === 'i18n.ts') continue; // the helper itself
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((l, i) => { if (OWN_COLON.test(l)) own.push(`src/web/${rel}:${i + 1}`); OWN_COLON.lastIndex = 0; });
  }
  assert.deepEqual(own, []);
});
