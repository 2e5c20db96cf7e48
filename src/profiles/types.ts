/**
 * A regulation profile: one edition of the Regulations as data. Every parameter carries where it
 * comes from, and whether that source was confirmed; every rule (pipeline stage) has its article.
 * An operator can override any parameter value in config without a code change (overrides are
 * recorded on the resolved profile so a decision still says what was in force).
 */
export type ProfileId = 'cn-2015' | 'cn-2026';

/** One parameter of a profile with its provenance. */
export interface Param<T> {
  value: T;
  /** The article, or the section and key phrase where the number is not known. */
  article: string;
  /**
   * The same source in Chinese, for the Chinese web pages (`第十八条（用户同意或请求）`). Saying what
   * {@link article} says, no more; the API, its schema and SMPP keep the English `article`.
   */
  articleZh?: string;
  /** `law` = the regulation's text; `practice` = vendor or carrier default, not law. */
  basis: 'law' | 'draft' | 'practice';
  /** True when the source was not read in the original (see docs/REGULATION.md). */
  unverified?: boolean;
  /** Set on the resolved profile when an operator changed the value. */
  overridden?: boolean;
}

export interface VerificationLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export interface QuietHours {
  /** Local time `HH:MM` when commercial sending may start. */
  start: string;
  /** Local time `HH:MM` when commercial sending must stop. */
  end: string;
  timeZone: string;
}

export interface ProfileParams {
  verificationLimits: Param<VerificationLimits>;
  /**
   * Seconds within which a content provider's same final text (the refusal notice appended) to the
   * same number is refused `duplicate_content` (rule `content.duplicate`), any message type: the
   * second of a provider's retry loop. Counted around the send's time as the frequency limits are
   * (src/domain/send-window.ts). 0: off.
   */
  duplicateContentWindowSeconds: Param<number>;
  quietHours: Param<QuietHours>;
  maxLength: Param<number>;
  refusalNotice: Param<string>;
  /**
   * Put between a text and the refusal notice appended to it, unless the text already ends in
   * punctuation or a space (`…欢迎选购，拒收请回复R`, not `…欢迎选购拒收请回复R`).
   */
  refusalNoticeSeparator: Param<string>;
  /** Texts that count as a refusal in a reply (folded: NFKC, upper case, no spaces). */
  optOutKeywords: Param<string[]>;
  /**
   * Texts that, as the whole reply to a provider's port, lift the number's opt-out from that provider
   * (folded as the opt-out keywords). Empty: off, only an operator lifts an opt-out. A refusal (an
   * opt-out keyword or phrase) always wins over these.
   */
  resubscribeKeywords: Param<string[]>;
  /** Hours a consent request waits for an answer. */
  consentReplyWindowHours: Param<number>;
  /** cn-2015: no reply within the window counts as refusal. */
  noReplyMeansRefusal: Param<boolean>;
  /**
   * Days after a refusal (a refused or deemed-refused request, or a consent withdrawn at the user's
   * request) during which the same or a similar consent request is refused `consent_request_repeated`
   * (rule `consent.no-repeat`). 0: no end. The text as known ("不得再次发送") names no period.
   */
  consentRepeatBanDays: Param<number>;
  /** cn-2026: only an explicit yes counts; consents need proof. */
  explicitConsentOnly: Param<boolean>;
  consentProofRequired: Param<boolean>;
  /** Whether an opt-out covers the whole content provider or only the signature it answered. */
  optOutScope: Param<'content-provider' | 'signature'>;
  /** Advertising banned in verification / notification messages. */
  noAdvertisingInNonCommercial: Param<boolean>;
  /** A service port must not carry commercial messages and vice versa. */
  portSeparation: Param<boolean>;
  retentionMonths: Param<number>;
  subscriptionRetentionMonths: Param<number>;
  complaintForwardWorkingDays: Param<number>;
  complaintAnswerWorkingDays: Param<number>;
  /** Complaints per million messages per month that trigger suspension review. */
  complaintRateThresholdPerMillion: Param<number>;
}

/** A rule the pipeline enforces or the app records, with its source in this edition. */
export interface RuleSource {
  article: string;
  /** {@link article} in Chinese, for the Chinese web pages only (see {@link Param.articleZh}). */
  articleZh?: string;
  /** One line: what the rule asks. */
  summary: string;
  unverified?: boolean;
}

export interface Profile {
  id: ProfileId;
  title: string;
  inForce: string;
  params: ProfileParams;
  rules: Readonly<Record<string, RuleSource>>;
}
