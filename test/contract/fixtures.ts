/** Small builders for the store contract suite: rows, submissions and a fake pure `decide`. */
import type { Decision, Facts } from '../../src/pipeline/types.js';
import type { ContentProviderRow, SubmissionItem, Store } from '../../src/ports/store.js';
import type { MessageType } from '../../src/domain/message-type.js';
import { randomBytes } from 'node:crypto';

/** 2026-11-30 (Monday) 12:00 Asia/Shanghai. */
export const T0 = Date.parse('2026-11-30T04:00:00Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const uid = (p: string) => `${p}_${randomBytes(6).toString('hex')}`;

let credit = 0;
export function cpRow(over: Partial<ContentProviderRow> = {}): ContentProviderRow {
  credit++;
  return { id: uid('cp'), name: '示例科技有限公司', creditCode: `91350100M${String(credit).padStart(8, '0')}${randomBytes(1).toString('hex')}`.slice(0, 18), licenseNumber: null, status: 'active', createdAt: T0, httpThroughput: null, ...over };
}

/** A provider with an approved signature 【示例…】 and a service and a commercial port. */
export async function seedProvider(store: Store, tag = randomBytes(3).toString('hex')): Promise<{ cp: ContentProviderRow; signature: string; service: string; commercial: string }> {
  const cp = cpRow();
  await store.directory.createContentProvider(cp, { id: uid('tok'), hash: uid('hash') });
  const signature = `【示例${tag}】`;
  await store.directory.addSignature({ id: uid('sig'), contentProviderId: cp.id, signature, status: 'approved', createdAt: T0 });
  const n = Number.parseInt(tag, 16) % 100000;
  const service = `1069${String(n).padStart(5, '0')}1`;
  const commercial = `1069${String(n).padStart(5, '0')}2`;
  await store.directory.addPort({ number: service, ownerId: cp.id, kind: 'service', createdAt: T0 });
  await store.directory.addPort({ number: commercial, ownerId: cp.id, kind: 'commercial', createdAt: T0 });
  return { cp, signature, service, commercial };
}

export function item(o: { cp: string; from: string; to: string | null; type?: MessageType; category?: string; at?: number; text?: string; id?: string }): SubmissionItem {
  return {
    id: o.id ?? uid('msg'),
    candidate: { contentProviderId: o.cp, from: o.from, toRaw: o.to ?? 'garbage', to: o.to, text: o.text ?? '【示例】您的验证码是123456', type: o.type ?? 'verification', category: o.category },
    channel: 'http',
    registeredDelivery: false,
    receivedAt: o.at ?? T0,
  };
}

/** A decision as the pipeline would return it (shape only; the contract never inspects stages). */
export function decision(accepted: boolean, text = '【示例】您的验证码是123456'): Decision {
  const v = accepted
    ? [{ rule: 'test.rule', article: 'test', profile: 'cn-2015', outcome: 'pass' as const }]
    : [{ rule: 'test.rule', article: 'test', profile: 'cn-2015', outcome: 'fail' as const, code: 'frequency_exceeded' as const, message: 'too many' }];
  return {
    accepted, verdicts: v, text, segments: 1, chars: text.length, pipeline: ['test.rule'],
    ...(accepted ? {} : { rejection: v[0] as Decision['rejection'] }),
  } as unknown as Decision;
}

/** A decision holding the message for review (an early-warning hold), as the pipeline returns it. */
export function heldDecision(text = '【示例】held text'): Decision {
  const v = { rule: 'test.hold', article: 'test', profile: 'cn-2015', outcome: 'pass' as const, note: 'held: hold act_1' };
  return { accepted: false, held: true, verdicts: [v], rejection: { ...v, code: 'held_for_review', message: 'hold act_1' }, text, segments: 1, chars: text.length, pipeline: ['test.hold'] };
}

/** Accepts a verification message only while fewer than `perMinute` went out in the last minute. */
export function minuteLimit(perMinute: number, seen?: Facts[]) {
  return (_: SubmissionItem, f: Facts) => {
    seen?.push(f);
    return decision(f.verificationSends.minute < perMinute);
  };
}

/** A mainland number not handed out before in this process (random start, then sequential: no birthday collisions). */
let nextNumber = Math.floor(Math.random() * 5e7);
export const msisdn = () => `+86138${String(nextNumber++ % 1e8).padStart(8, '0')}`;
