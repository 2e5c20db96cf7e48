/** Candidates and facts for pure pipeline tests. */
import type { Candidate, Facts } from '../../../src/pipeline/types.js';

export const NOON = Date.parse('2026-11-30T04:00:00Z'); // 12:00 Shanghai
export const NIGHT = Date.parse('2026-11-30T14:30:00Z'); // 22:30 Shanghai

export function candidate(over: Partial<Candidate> = {}): Candidate {
  return { contentProviderId: 'cp_1', from: '10690001', toRaw: '13800138000', to: '+8613800138000', text: '【示例】您的验证码是123456。', type: 'verification', ...over };
}

export function facts(over: Partial<Facts> = {}): Facts {
  return {
    sender: { id: 'cp_1', status: 'active', signatures: new Set(['【示例】']) },
    port: { number: '10690001', ownerId: 'cp_1', kind: 'service' },
    optedOut: false,
    dnd: false,
    consent: null,
    verificationSends: { minute: 0, hour: 0, day: 0 },
    ...over,
  };
}

export const commercialPort = { number: '10690002', ownerId: 'cp_1', kind: 'commercial' as const };
export function consent(over: Partial<NonNullable<Facts['consent']>> = {}): NonNullable<Facts['consent']> {
  return { id: 'con_1', category: 'promo', grantedAt: NOON - 86_400_000, expiresAt: NOON + 86_400_000 * 30, frequency: { count: 4, per: 'month' }, usedInPeriod: 0, hasProof: true, ...over };
}
