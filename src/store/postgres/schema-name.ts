/**
 * Which PostgreSQL schema names smsguard takes (`--db-schema`, `SMSGUARD_DB_SCHEMA`). The name goes
 * into DDL and the connection's search_path unquoted, so it must be an identifier PostgreSQL takes
 * as it is: lower case (unquoted names are folded), no `pg_` prefix (reserved for the system:
 * "unacceptable schema name") and not a keyword that cannot name a schema (`user`, `select`: a
 * syntax error). Checked before any connection, so a bad name is the user's one-line error, never
 * PostgreSQL's failure halfway through `migrate` or `start`.
 */
import { SmsguardError } from '../../domain/errors.js';

/** What a valid name is, for the error messages. */
export const SCHEMA_NAME_RULE = 'a valid name is 1–63 lower-case letters, digits and _, starting with a letter or _, not starting with pg_ and not an SQL reserved word';

/**
 * PostgreSQL's reserved and type/function-name keywords (`pg_get_keywords()`, catcode R and T, as
 * of PostgreSQL 15, plus `system_user` from 16): the keywords CREATE SCHEMA refuses unquoted.
 */
const RESERVED: ReadonlySet<string> = new Set(`
  all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column
  concurrently constraint create cross current_catalog current_date current_role current_schema current_time
  current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from
  full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime
  localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning
  right select session_user similar some symmetric system_user table tablesample then to trailing true union unique user
  using variadic verbose when where window with
`.trim().split(/\s+/));

/** True when `s` is a schema name smsguard can use (see {@link SCHEMA_NAME_RULE}). */
export function isSchemaName(s: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(s) && !s.startsWith('pg_') && !RESERVED.has(s);
}

/** `s` when it is a schema name smsguard can use; else throws `invalid_request` naming `--db-schema` and the rule. */
export function checkSchemaName(s: string): string {
  if (!isSchemaName(s)) throw new SmsguardError('invalid_request', `--db-schema: not a schema name smsguard can use: ${JSON.stringify(s)} (${SCHEMA_NAME_RULE})`, {}, 'db-schema');
  return s;
}
