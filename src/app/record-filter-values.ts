/**
 * The values the records filters can match (`GET /v1/records`, the `/web/records` page and the
 * message list's records query): a value none of them could hold is 400 `invalid_request` naming the
 * field and what it may be. Matched as given, a mistyped rule (`commercial.concent`) or type
 * (`verfication`) answered an empty page, which read as "never rejected under it" / "none sent".
 */
import { SmsguardError } from '../domain/errors.js';
import { MESSAGE_TYPES } from '../domain/message-type.js';
import { SUBSCRIPTION_EVENTS } from '../domain/subscription-events.js';
import { PROFILES } from '../profiles/index.js';

/**
 * Every rule code of every profile (a record may come from any edition the gateway ran under),
 * sorted: what a rejected submission's `rule` column can hold.
 */
export const RULE_CODES: readonly string[] = [...new Set(Object.values(PROFILES).flatMap((p) => Object.keys(p.rules)))].sort();
const RULES: ReadonlySet<string> = new Set(RULE_CODES);

/** The `type` values with a closed list: an MT's message type, a subscription record's event. */
export const RECORD_TYPES: readonly string[] = [...MESSAGE_TYPES, ...SUBSCRIPTION_EVENTS];
const TYPES: ReadonlySet<string> = new Set(RECORD_TYPES);

/**
 * An audit record's action: `area.action` (records.query, consent.refusal_phrases.set,
 * records.rotate-key). Its list is open (each door names its own, records kept for years name
 * those of earlier versions), so only the form is checked: a name without a dot or with capitals is
 * none of them.
 */
export const AUDIT_ACTION_FORM = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_-]*)+$/;

/** `rule` as given, when it is a rule code of a profile; invalid_request naming `rule` otherwise. */
export function ruleFilter(v: string): string {
  if (RULES.has(v)) return v;
  throw new SmsguardError('invalid_request', `rule: not a rule code of any profile; one of ${RULE_CODES.join(', ')}`, {}, 'rule', { id: 'filter_value_unknown', params: { values: RULE_CODES.join(', ') } });
}

/** `type` as given, when some record could hold it; invalid_request naming `type` otherwise. */
export function typeFilter(v: string): string {
  if (TYPES.has(v) || AUDIT_ACTION_FORM.test(v)) return v;
  throw new SmsguardError('invalid_request',
    `type: a message type (${MESSAGE_TYPES.join(', ')}), a subscription event (${SUBSCRIPTION_EVENTS.join(', ')}) or an audit action (area.action, e.g. records.query)`, {}, 'type',
    { id: 'filter_value_unknown', params: { values: `${RECORD_TYPES.join(', ')}, area.action` } });
}
