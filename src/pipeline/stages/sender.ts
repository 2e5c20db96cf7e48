/** True-sender stages: the port exists, belongs to the caller, the caller is active, the signature is theirs. */
import { leadingSignature, otherBracketed, trimLeading } from '../../domain/signature.js';
import type { Stage } from '../types.js';

/**
 * Art. 7 (cn-2015): the sending port must be a registered access code. A retired port (its
 * allocation withdrawn, the customer gone) is no longer one: same code, the message says since when.
 */
export const portExists: Stage = {
  rule: 'sender.port-exists',
  codes: ['unknown_port'],
  run: ({ facts, candidate }) => {
    if (!facts.port) return { outcome: 'fail', code: 'unknown_port', message: `port ${candidate.from} is not registered` };
    const retired = facts.port.retiredAt;
    if (retired != null) return { outcome: 'fail', code: 'unknown_port', message: `port ${candidate.from} was retired on ${new Date(retired).toISOString()} and may no longer send` };
    return { outcome: 'pass' };
  },
};

/** Art. 7: a content provider sends only from its own ports. */
export const portOwned: Stage = {
  rule: 'sender.port-owned',
  codes: ['port_not_owned'],
  run: ({ facts, candidate }) =>
    facts.port && facts.port.ownerId === candidate.contentProviderId
      ? { outcome: 'pass' }
      : { outcome: 'fail', code: 'port_not_owned', message: `port ${candidate.from} does not belong to this content provider` },
};

/** Art. 6/31: a suspended content provider may not send. */
export const senderActive: Stage = {
  rule: 'sender.active',
  codes: ['sender_suspended'],
  run: ({ facts }) =>
    facts.sender.status === 'active'
      ? { outcome: 'pass' }
      : { outcome: 'fail', code: 'sender_suspended', message: 'the content provider is suspended' },
};

/**
 * Art. 19: the text starts with a signature 【…】 registered to the sender (approved, not revoked). Whitespace before the
 * signature (ASCII or the ideographic U+3000) is dropped from the text that goes out, so the user
 * sees the signature first and every later stage reads it at the head. The text carries no other
 * 【…】 (`signature_multiple`): a second bracketed name misstates who is sending, and carriers refuse
 * such a message (多签名); the sender's own signature repeated is allowed (docs/CONTENT.md).
 */
export const signatureRegistered: Stage = {
  rule: 'sender.signature',
  codes: ['signature_missing', 'signature_unregistered', 'signature_multiple'],
  run: ({ text, facts }) => {
    const trimmed = trimLeading(text);
    const sig = leadingSignature(trimmed);
    if (!sig) return { outcome: 'fail', code: 'signature_missing', message: 'the text must start with a signature 【…】 of 2–16 characters' };
    if (!facts.sender.signatures.has(sig)) {
      const revoked = facts.sender.revoked?.get(sig);
      if (revoked !== undefined) return { outcome: 'fail', code: 'signature_unregistered', message: `signature ${sig} was revoked on ${new Date(revoked).toISOString()} and may no longer be used` };
      return { outcome: 'fail', code: 'signature_unregistered', message: `signature ${sig} is not registered to this content provider` };
    }
    const other = otherBracketed(trimmed, sig);
    if (other !== null) return { outcome: 'fail', code: 'signature_multiple', message: `the text carries ${other} after the signature ${sig}: a message names only one signature 【…】 (carriers refuse a second one); write a code or a name in the text without 【】` };
    return trimmed === text ? { outcome: 'pass', note: sig } : { outcome: 'pass', note: `${sig} (leading whitespace removed)`, text: trimmed };
  },
};
