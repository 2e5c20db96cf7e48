/**
 * The values the records filters can match (`GET /v1/records`, the `/web/records` page and the
 * message list's records query): a value none of them could hold is 400 `invalid_request` naming the
 * field and what it may be, with the value it likely meant when one is near. Matched as given, a
 * mistyped rule (`commercial.concent`) or type (`verfication`, `records.qurey`) answered an empty
 * page, which read as "never rejected under it" / "none sent" / "nobody did that".
 */
import { SmsguardError } from '../domain/errors.js';
import { MESSAGE_TYPES } from '../domain/message-type.js';
import { SUBSCRIPTION_EVENTS } from '../domain/subscription-events.js';
import { PROFILES } from '../profiles/index.js';
import { KNOWN_AUDIT_ACTIONS } from '../domain/audit-actions.js';
import { closestName } from './closest-name.js';

/**
 * Every rule code of every profile (a record may come from any edition the gateway ran under),
 * sorted: what a rejected submission's `rule` column can hold.
 */
export const RULE_CODES: readonly string[] = [...new Set(Object.values(PROFILES).flatMap((p) => Object.keys(p.rules)))].sort();
const RULES: ReadonlySet<string> = new Set(RULE_CODES);

/** Every `type` a record can hold: an MT's message type, a subscription record's event, an audit record's action. */
export const RECORD_TYPES: readonly string[] = [...MESSAGE_TYPES, ...SUBSCRIPTION_EVENTS, ...KNOWN_AUDIT_ACTIONS];
const TYPES: ReadonlySet<string> = new Set(RECORD_TYPES);

/**
 * ` (did you mean records.query?)` when `v` is a near miss of one of `known` ({@link closestName}:
 * within two edits, `records.qurey`, `verfication`), for the refusal of a filter value. Empty otherwise.
 */
function meant(v: string, known: readonly string[]): { said: string; name?: string } {
  const name = closestName(v, known);
  return name === undefined ? { said: '' } : { said: ` (did you mean ${name}?)`, name };
}

/** A filter value none of `known` is: invalid_request naming `field`, the likely meant one first, then every value. */
function unknownValue(field: string, v: string, known: readonly string[], what: string): never {
  const m = meant(v, known);
  throw new SmsguardError('invalid_request', `${field}: ${what}${m.said}; one of ${known.join(', ')}`, {}, field,
    m.name === undefined ? { id: 'filter_value_unknown', params: { values: known.join(', ') } } : { id: 'filter_value_meant', params: { meant: m.name, values: known.join(', ') } });
}

/** `rule` as given, when it is a rule code of a profile; invalid_request naming `rule` otherwise. */
export function ruleFilter(v: string): string {
  if (RULES.has(v)) return v;
  return unknownValue('rule', v, RULE_CODES, 'not a rule code of any profile');
}

/**
 * `type` as given, when some record could hold it: a message type, a subscription event, or an audit
 * action of the one list the writers are typed against (src/domain/audit-actions.ts, which keeps the
 * names earlier versions wrote). Else invalid_request naming `type`: before, any `area.action` passed
 * and a misspelt action (`records.qurey`) answered an empty page, read as "nobody did that".
 */
export function typeFilter(v: string): string {
  if (TYPES.has(v)) return v;
  return unknownValue('type', v, RECORD_TYPES,
    `not a message type (${MESSAGE_TYPES.join(', ')}), a subscription event (${SUBSCRIPTION_EVENTS.join(', ')}) nor an audit action the gateway records`);
}
