/** A form's token (src/web/form-once.ts): one act per token while it is kept, a refusal frees it, no token acts every time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_ONCE_KEEP_MS, FormOnce, newFormToken } from '../../../src/web/form-once.js';

test('a repeat within the keep time gets the first result; after it, or refused, or without a token, the act runs', async () => {
  const once = new FormOnce<number>();
  let runs = 0;
  const act = async () => ++runs;
  const tok = newFormToken();
  assert.equal(await once.run(tok, 0, act), 1);
  assert.equal(await once.run(tok, FORM_ONCE_KEEP_MS - 1, act), 1, 'a repeat: the first result');
  assert.equal(runs, 1);
  // another token, posted after the keep time: the first token is swept and acts again
  assert.equal(await once.run(newFormToken(), FORM_ONCE_KEEP_MS, act), 2);
  assert.equal(await once.run(tok, FORM_ONCE_KEEP_MS + 1, act), 3);

  const refused = newFormToken();
  await assert.rejects(once.run(refused, 0, async () => { throw new Error('refused'); }));
  assert.equal(await once.run(refused, 1, act), 4, 'a refusal frees the token');

  assert.equal(await once.run('', 0, act), 5);
  assert.equal(await once.run('', 0, act), 6, 'no token: acts every time');
  assert.equal(await once.run('not a token', 0, act), 7);
});
