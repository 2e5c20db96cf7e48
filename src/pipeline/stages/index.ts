/**
 * The ordered stage list: the pipeline as data. Identity first (cheap, and later stages need a known
 * port and number), then content, then the commercial rules, then volume, then identical content. Add a stage by adding it
 * here; its rule id must exist in every profile's `rules`.
 */
import type { Stage } from '../types.js';
import { portExists, portOwned, senderActive, signatureRegistered } from './sender.js';
import { recipientValid } from './recipient.js';
import { portKindMatches } from './port-kind.js';
import { lengthWithinLimit, noAdvertisingInNonCommercial } from './content.js';
import { consentFrequency, consentHeld, notOptedOut, refusalNotice, withinSendingHours } from './commercial.js';
import { verificationFrequency } from './frequency.js';
import { chargeConfirmed } from './charging.js';
import { duplicateContent } from './duplicate.js';

export const DEFAULT_STAGES: readonly Stage[] = Object.freeze([
  portExists,
  portOwned,
  recipientValid,
  senderActive,
  signatureRegistered,
  portKindMatches,
  refusalNotice,
  lengthWithinLimit,
  noAdvertisingInNonCommercial,
  chargeConfirmed,
  notOptedOut,
  consentHeld,
  consentFrequency,
  withinSendingHours,
  verificationFrequency,
  // last: the final text is known, and every earlier refusal keeps its code (a code resent within
  // the minute stays `frequency_exceeded`)
  duplicateContent,
]);
