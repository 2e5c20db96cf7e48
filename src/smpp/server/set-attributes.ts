/**
 * A long message's smsguard vendor TLVs are the set's, not its last part's. Pure.
 *
 * Each part may give the TLVs 0x1400 (message type), 0x1401 (consent category) and 0x1403 (charged
 * service); many ESMEs give per-message attributes on the first part only. A value given on any part
 * applies to the whole set; parts giving different values for one TLV refuse the set (the server
 * answers ESME_RINVOPTPARAMVAL: which one was meant is not guessed). Before 2026-12-07 the set took
 * the TLVs of the part that completed it (a kept part held its octets only): given on the first part
 * only, a commercial message lost its category (refused invalid_request) and a charged one was sent
 * uncharged and unchecked; parts that disagreed were decided by whichever came last.
 */
import { Tag } from '../pdu/constants.js';
import { isMessageType } from '../../domain/message-type.js';
import type { SubmitFields } from './translate.js';

/** The vendor TLVs one part gave, as read (translate.ts readSubmit); a key absent: not given. */
export interface PartAttributes {
  /** 0x1400 as written (one of ours or not: the use case refuses an unknown one). */
  messageType?: string;
  /** 0x1401. */
  category?: string;
  /** 0x1403 as given (`""` included: the use case refuses it). */
  chargedServiceId?: string;
}

const TLVS: readonly (readonly [keyof PartAttributes, number, string])[] = [
  ['messageType', Tag.smsguard_message_type, 'smsguard_message_type'],
  ['category', Tag.smsguard_category, 'smsguard_category'],
  ['chargedServiceId', Tag.smsguard_charged_service, 'smsguard_charged_service'],
];

/** The attributes one PDU gave. */
export function attributesOf(f: SubmitFields): PartAttributes {
  const a: PartAttributes = {};
  const type = f.type ?? f.invalidType;
  if (type !== undefined) a.messageType = type;
  if (f.category !== undefined) a.category = f.category;
  if (f.chargedServiceId !== undefined) a.chargedServiceId = f.chargedServiceId;
  return a;
}

/** Only the attributes of a kept part (ProviderPart), without its other fields. */
export function attributesIn(p: PartAttributes): PartAttributes {
  const a: PartAttributes = {};
  for (const [k] of TLVS) if (p[k] !== undefined) a[k] = p[k];
  return a;
}

export type SetAttributes =
  | { ok: true; attributes: PartAttributes }
  /** Two parts gave different values for this TLV (the first in TLVS order found). */
  | { ok: false; tag: number; name: string };

/** The set's attributes from its parts' (any order): each TLV's value given on any part, the same on every part that gives it. */
export function setAttributes(parts: readonly PartAttributes[]): SetAttributes {
  const out: PartAttributes = {};
  for (const [k, tag, name] of TLVS) {
    for (const p of parts) {
      const v = p[k];
      if (v === undefined) continue;
      if (out[k] === undefined) out[k] = v;
      else if (out[k] !== v) return { ok: false, tag, name };
    }
  }
  return { ok: true, attributes: out };
}

/** `f` with the set's attributes in place of the PDU's own. */
export function withAttributes(f: SubmitFields, a: PartAttributes): SubmitFields {
  const { type: _t, invalidType: _i, category: _c, chargedServiceId: _s, ...rest } = f;
  const out: SubmitFields = rest;
  if (a.messageType !== undefined) {
    if (isMessageType(a.messageType)) out.type = a.messageType;
    else out.invalidType = a.messageType;
  }
  if (a.category !== undefined) out.category = a.category;
  if (a.chargedServiceId !== undefined) out.chargedServiceId = a.chargedServiceId;
  return out;
}
