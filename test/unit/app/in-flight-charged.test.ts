/**
 * In-flight charged messages (rule 8; src/app/in-flight.ts): a charged message already handed to a
 * waiting link is given back unwritten on a refusal of its number (an opt-out, the provider's DELETE
 * of the subscription), so that the send-time check judges its subscription again; before, only
 * commercial messages were, and a charged notification went out when the link came back. The end of
 * the sending hours still gives back commercial messages only (a charged notification keeps no hours).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight } from '../../../src/app/in-flight.js';
import type { Egress } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';

const msg = (id: string, o: Partial<OutboundMessage> = {}): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613900000000', text: 't', registeredDelivery: false, attempts: 1, submittedAt: 0, ...o });

function waiting() {
  const cancelled: string[] = [];
  const egress: Egress = {
    submit: () => new Promise(() => undefined),
    cancel: (ids) => { cancelled.push(...ids); },
    onReceipt() {},
    onMo() {},
    async close() {},
  };
  return { egress, cancelled };
}

test('a refusal of its number gives back an in-flight charged message (any type), a plain notification stays; the end of the sending hours gives back commercial messages only', () => {
  const { egress, cancelled } = waiting();
  const f = new InFlight(egress);
  for (const m of [msg('charged', { chargedServiceId: 'chs_1' }), msg('plain'), msg('promo', { category: 'promo' }), msg('elsewhere', { chargedServiceId: 'chs_1', to: '+8613900000001' })]) void f.tracked.submit(m, undefined);
  f.refused({ contentProviderId: 'cp', msisdns: ['+8613900000000'] });
  assert.deepEqual(cancelled.sort(), ['charged', 'promo']);

  const late = waiting();
  const g = new InFlight(late.egress);
  for (const m of [msg('charged', { chargedServiceId: 'chs_1' }), msg('promo', { category: 'promo' })]) void g.tracked.submit(m, undefined);
  // 23:00 Asia/Shanghai
  g.closeOfHours(Date.parse('2026-11-30T15:00:00Z'), { start: '08:00', end: '21:00', timeZone: 'Asia/Shanghai' });
  assert.deepEqual(late.cancelled, ['promo']);
});
