/**
 * The compliance pipeline's vocabulary. Stages are pure: a stage sees the candidate message, the
 * facts the store loaded for it, the profile in force and the time, and returns a verdict. The
 * pipeline never reads a clock, a database or the environment.
 */
import type { ErrorCode } from '../domain/errors.js';
import type { MessageType, PortKind } from '../domain/message-type.js';
import type { Profile } from '../profiles/types.js';

/** The message as the pipeline judges it (after the use case parsed the request). */
export interface Candidate {
  contentProviderId: string;
  from: string;
  /** Recipient as given. */
  toRaw: string;
  /** Canonical E.164 recipient, or null if `toRaw` is not a mainland mobile number. */
  to: string | null;
  text: string;
  type: MessageType;
  category?: string;
  /**
   * A charged message (docs/REGULATION.md rule 8): the sender's charged service it charges for, its
   * existence and owner checked by the use case (a request error). Absent on every other message.
   */
  chargedServiceId?: string;
}

export interface SenderFacts {
  id: string;
  status: 'active' | 'suspended';
  /** Registered (and approved) signatures, brackets included. */
  signatures: ReadonlySet<string>;
  /**
   * Signatures of this sender an operator revoked, each with when (epoch ms): refused like any
   * unregistered one, the message saying so. Absent or empty when none.
   */
  revoked?: ReadonlyMap<string, number>;
}

export interface PortFacts {
  number: string;
  ownerId: string;
  kind: PortKind;
  /** When an operator retired the port (epoch ms); null or absent while it is in use. */
  retiredAt?: number | null;
}

export interface ConsentFacts {
  id: string;
  category: string;
  grantedAt: number;
  expiresAt: number;
  frequency: { count: number; per: 'day' | 'week' | 'month' };
  /** Accepted commercial messages of the category (under any consent) in the calendar period holding the send's time. */
  usedInPeriod: number;
  /**
   * The consent was recorded with proof (a `proof` given to `POST /v1/consents`, or the request and
   * reply of an SMS consent). A profile requiring proof (`consentProofRequired`, cn-2026) counts
   * only such a consent: one recorded without under cn-2015 no longer lets a message through.
   */
  hasProof: boolean;
}

/**
 * A consent the number withdrew (or that was withdrawn for it), as a `consent_missing` refusal names
 * it (Facts.withdrawnConsent): at a decision and again at send time (SendTimeFacts).
 */
export interface WithdrawnConsent {
  id: string;
  withdrawnAt: number;
  /** Withdrawn by DELETE /v1/consents/{id} with proof of the user's refusal. */
  byUser: boolean;
}

/** What the store knew when the decision was made. */
export interface Facts {
  sender: SenderFacts;
  port: PortFacts | null;
  /** The number refused this sender's commercial messages. */
  optedOut: boolean;
  /**
   * When `optedOut`: the signatures the refusals answered (`*` = unknown, all). Used when the
   * profile scopes opt-outs per signature; absent means every opt-out covers the whole provider.
   */
  optOutSignatures?: readonly string[];
  /** The number is on the platform-wide do-not-disturb list. */
  dnd: boolean;
  /** The unexpired consent for the candidate's category, else the most recent expired one, else null. */
  consent: ConsentFacts | null;
  /**
   * Only when `consent` is null (the message is refused): the number's consent of the category withdrawn
   * last (by DELETE /v1/consents/{id}, `byUser` when given with proof of the user's refusal, or by an
   * opt-out), so the refusal can say so; absent when there is none, or a live or expired one.
   */
  withdrawnConsent?: WithdrawnConsent;
  /** Accepted verification messages from this sender to this number in the last minute, hour and day. */
  verificationSends: { minute: number; hour: number; day: number };
  /**
   * Only when the candidate names a charged service: the id of the number's live subscription of this
   * sender to it, else null. Absent for every other message (the store reads nothing for them).
   */
  chargedSubscription?: string | null;
  /**
   * This sender's accepted or held messages to this number that the store still remembers (their
   * final text's hash and the time each was counted at: its schedule, else its arrival), the candidate's own
   * excepted (a replacement). May hold some outside the window: the stage compares the times. Absent
   * when none (rule `content.duplicate`).
   */
  recentTexts?: readonly RecentText[];
}

/**
 * A message's final text, as its 53-bit `textHash` (src/domain/text-hash.ts), and the time it
 * counts at (its schedule, else its arrival), for `content.duplicate`.
 */
export interface RecentText {
  readonly hash: number;
  readonly at: number;
}

/** Pluggable pure scorers the profile does not fix (e.g. the advertising classifier). */
export interface Detectors {
  /** Scores how much a text advertises; `phrases` explain the score. */
  advertising(text: string): { advertising: boolean; score: number; phrases: string[] };
}

export interface StageContext {
  candidate: Candidate;
  /** Text as transformed by earlier stages. */
  text: string;
  facts: Facts;
  profile: Profile;
  detectors: Detectors;
  /** Epoch milliseconds. */
  now: number;
}

export type StageResult =
  /**
   * `hold`: the stage lets the message through but asks that it be parked for an operator's review
   * instead of sent (early-warning hold). Later stages still judge it: a rejection wins over a hold.
   */
  | { outcome: 'pass'; note?: string; text?: string; hold?: string }
  | { outcome: 'skip'; note?: string }
  /**
   * `retryAfterMs`: a refusal that waiting ends (a throttle), the milliseconds until a message could
   * pass; the HTTP door says it as Retry-After. Kept off the verdict: the record says why, not when.
   */
  | { outcome: 'fail'; code: ErrorCode; message: string; retryAfterMs?: number };

/** One compliance rule. `rule` is a stable id whose article the profile names. */
export interface Stage {
  rule: string;
  /** Codes this stage can reject with (documentation and exhaustiveness tests). */
  codes: readonly ErrorCode[];
  run(ctx: StageContext): StageResult;
}

/** The record of one stage's judgement, kept with the message. */
export interface Verdict {
  rule: string;
  article: string;
  profile: string;
  outcome: 'pass' | 'skip' | 'fail';
  code?: ErrorCode;
  message?: string;
  note?: string;
}

export interface Decision {
  /** Sent now (queued for egress). False for rejected and for held messages. */
  accepted: boolean;
  /**
   * Passed every stage but a stage asked for a hold: recorded, parked for an operator's review (not
   * due for egress) and counted like an accepted message. `rejection` then carries the holding
   * stage's verdict with code `held_for_review` (outcome `pass`), so every door answers with it.
   */
  held?: boolean;
  /** Rule ids of every stage of the pipeline that decided, in order (the same array for every decision). */
  pipeline: readonly string[];
  /** The failing verdict, when rejected. */
  rejection?: Verdict & { code: ErrorCode; message: string };
  /** When rejected by a stage that said how long to wait (a throttle): its `retryAfterMs`. */
  retryAfterMs?: number;
  verdicts: Verdict[];
  /** Final text (e.g. with the refusal notice appended). */
  text: string;
  segments: number;
  chars: number;
}
