/**
 * A message's validity (SubmitInput.validUntil: SMPP validity_period, HTTP validUntil) goes to the
 * carrier as the submit_sm's validity_period, so the SMSC too drops it once it is over; a message
 * without one carries none. Before: every submit_sm went out with an empty validity_period.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { parseSmppTime } from '../../../src/smpp/pdu/index.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { waitFor } from '../../helpers/wait.js';

const msg = (id: string, o: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id, contentProviderId: 'cp_1', from: '10690001', to: '+8613800138000', text: '【示例】您的订单已发货', registeredDelivery: true, attempts: 1, submittedAt: Date.now(), ...o,
});

for (const [name, make] of UPSTREAM_MAKERS) {
  describe(`SMPP client (${name}): validity_period`, () => {
    test('the sender\'s validity goes to the carrier; none when none was given', async () => {
      await withUpstream(make, { params: 'window=10' }, async (up, smsc) => {
        const until = Date.UTC(2030, 0, 2, 4, 0, 0, 500);
        assert.equal((await up.submit(msg('msg_a', { validUntil: until }))).ok, true);
        assert.equal((await up.submit(msg('msg_b'))).ok, true);
        await waitFor(() => smsc.received.length === 2 || undefined);
        const [a, b] = smsc.received;
        assert.equal(a.validity_period, '300102040000500+');
        assert.deepEqual(parseSmppTime(a.validity_period, 0), { kind: 'absolute', at: until });
        assert.equal(b.validity_period, '');
      });
    });
  });
}
