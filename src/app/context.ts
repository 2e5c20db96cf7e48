/** What every use case needs, passed in by the composition root (src/main.ts). */
import type { Claim, Store } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Profile } from '../profiles/types.js';
import type { Detectors, Stage } from '../pipeline/types.js';
import type { Emitter } from './events.js';
import type { GroupCommit } from './group-commit.js';
import type { AppEvents } from './types.js';
import type { UpstreamCancel, UpstreamCancelResult } from '../ports/egress.js';
import type { UpstreamLinkFleet } from '../ports/upstream-links.js';

/** Decision counters for metrics, emitted once per judged message. */
export interface DecisionEvent {
  accepted: boolean;
  /** The sending port (for per-port early warning). */
  from?: string;
  code: string | null;
  type: string;
  channel: string;
  /** The sender (complaint rates count volume per content provider). */
  contentProviderId?: string;
}

export interface AllEvents extends AppEvents {
  decision: DecisionEvent;
  /**
   * A replacement's text was decided (replace-message.ts): accepted, held or refused. Not a
   * `decision`: no new message, so volume and usage do not count it; the early-warning monitor counts
   * a refused one as a refused submission (content-governance.ts), so that probing the rules through
   * replacements raises a provider's rejection rate as submitting would.
   */
  replacementDecided: DecisionEvent;
  /**
   * Accepted messages are waiting for egress (the delivery worker listens). `priority`: the first
   * lane among them (src/domain/priority.ts); absent: not known (taken as any lane).
   */
  outboxReady: { count: number; priority?: import('../domain/priority.js').Priority };
  /** Background work failed (logged by the composition root; the work is retried). */
  workerError: { where: string; message: string };
  /** A complaint case was opened or changed state (the early-warning monitor counts these). */
  complaint: import('./complaint-events.js').ComplaintEvent;
  /**
   * Recorded just now: a number refused (an opt-out, a withdrawn consent, the do-not-disturb list), a
   * provider ended a number's charged subscription, or a provider was suspended. The delivery worker
   * gives back those of its in-flight commercial and charged messages the change concerns, still unwritten (the carrier link down), so that the send-time
   * check judges them again (send-time-check.ts). Absent `contentProviderId`: every provider's
   * (DND); absent `msisdns`: every number (a suspension).
   */
  refusal: { contentProviderId?: string; msisdns?: readonly string[] };
  /** Given-up callbacks of a provider went back to the queue (failed-callbacks.ts): the callback worker sends them now. */
  callbacksRequeued: { contentProviderId: string; count: number };
  /** One attempt at an HTTP callback came to this (callback-worker.ts; metrics count them). */
  callback: { kind: import('../ports/store.js').CallbackKind; outcome: import('./callback-worker.js').CallbackOutcome };
  /**
   * A secret was revoked just now (recorded in the store): a token or API key (auth.ts), or an SMPP
   * credential (src/smpp/server/credentials.ts). The Authenticator drops the token from its cache; the
   * SMPP server ends the credential's binds (src/smpp/compose.ts). With NATS the bus roles carry it to
   * every other process (`<prefix>.evt.revoked`, src/queue/roles.ts), where it is emitted again, so a
   * revocation binds every process at once; the periodic checks (TOKEN_CACHE_MS, CREDENTIAL_CHECK_MS)
   * remain the bound when a notice is lost.
   */
  secretRevoked: SecretRevoked;
}

/** What `secretRevoked` names: a token's id (`tok_…`) or an SMPP credential's id (not its system_id). */
export interface SecretRevoked {
  kind: 'token' | 'smpp-credential';
  id: string;
}

export interface AppContext {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  profile: Profile;
  stages: readonly Stage[];
  detectors: Detectors;
  events: Emitter<AllEvents>;
  /**
   * How long a held message without a validity of its own waits for an operator's review before it
   * expires (review-queue.ts; `--review-hold-max`). Absent: DEFAULT_REVIEW_HOLD_MAX_MS.
   */
  reviewHoldMaxMs?: number;
  /** Shares one store transaction among submissions of the same event-loop turn (absent: one each). */
  commit?: GroupCommit;
  /**
   * Asks the egress loop holding message `id` in a batch to give it up: resolves with the claim it
   * gave up once nothing of it was, or will be, written to the carrier under that claim (its part
   * still waited for a link or a window: Egress.cancel), null when it went out, nobody holds it, or
   * no holder answered in time. The claim is kept, not given back to the queue: nobody else claims
   * the message before its lease ends, and the cancel names it (CancelOptions.evenIfClaimedBy) so
   * that it never overrides a later claim. Set by the DeliveryWorker while it runs (its own batches),
   * and with NATS by the bus roles (this process's egress worker first, then those of the others:
   * src/queue/take-back.ts); cancel-message.ts uses it for a message a batch has taken.
   */
  takeBack?: (id: string) => Promise<Claim | null>;
  /**
   * Asks the carrier to take back a message already written to it and not final (`submitted`):
   * Egress.cancelUpstream, SMPP cancel_sm for each part on the link that carried it, within `waitMs`.
   * Set by the DeliveryWorker while it runs, when its egress can ask (the single-process gateway:
   * the SMPP client, the in-process simulator), and with NATS by the bus roles (the egress process
   * owning the recipient's partition asks its carrier: src/queue/cancel-upstream.ts). cancel-message.ts
   * uses it for a `submitted` message.
   */
  cancelUpstream?: (c: UpstreamCancel, waitMs: number) => Promise<UpstreamCancelResult>;
  /**
   * The carrier links of every egress process (scale-out: set by the bus roles,
   * src/queue/link-control.ts). When set, an operator's stop, start and listing go to all of them
   * rather than to this process's own links (upstream-links.ts).
   */
  linkFleet?: UpstreamLinkFleet;
}
