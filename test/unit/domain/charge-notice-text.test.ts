/** The charged service's notice (rule 8): the tariff in yuan exactly, the method, Y, silence, TD. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChargeNoticeText, yuan } from '../../../src/domain/charge-notice-text.js';

test('fen as yuan, exactly and without trailing zeros', () => {
  assert.deepEqual([1, 5, 10, 99, 100, 150, 200, 1005, 1_000_000].map(yuan), ['0.01', '0.05', '0.1', '0.99', '1', '1.5', '2', '10.05', '10000']);
});

test('the notice names the service, the tariff, how it is charged, how to confirm, that silence costs nothing, how to unsubscribe', () => {
  const month = buildChargeNoticeText({ signature: '【示例】', name: '天气', tariff: { amountFen: 200, per: 'month' } });
  assert.match(month, /^【示例】.*“天气”.*2元\/月.*包月.*回复Y.*不回复.*不收费.*回复TD退订/);
  const each = buildChargeNoticeText({ signature: '【示例】', name: '笑话', tariff: { amountFen: 10, per: 'message' } });
  assert.match(each, /0\.1元\/条.*按条计费/);
});
