/**
 * A refusal's evidence on the subscriber page (src/web/pages/subscribers.ts `evidenceFacts`): the keys an
 * opt-out by reply records are labelled in the page's language, not shown by their JSON names. `reply`
 * and `answered` (the message an `N` answered while a consent request was pending, added by the consent
 * audit, 2026-12-07) showed as raw keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evidenceFacts } from '../../../src/web/pages/subscribers.js';

test('an opt-out by N after a promotion: reply and the message answered are labelled, the id in monospace', () => {
  const ev = { moId: 'mo_1', reply: 'N', port: '10690002', answered: 'msg_9' };
  const zh = evidenceFacts('zh', ev);
  assert.match(zh, /<dt>用户的回复<\/dt><dd>N<\/dd>/);
  assert.match(zh, /<dt>所回复的短信编号<\/dt><dd class="mono">msg_9<\/dd>/);
  const en = evidenceFacts('en', ev);
  assert.match(en, /<dt>The user&#39;s reply<\/dt>|<dt>The user's reply<\/dt>/);
  assert.match(en, /<dt>Message answered<\/dt><dd class="mono">msg_9<\/dd>/);
  assert.doesNotMatch(zh + en, /<dt>(reply|answered)<\/dt>/);
});
