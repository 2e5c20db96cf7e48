/**
 * A record as `GET /v1/records` (and the `/web/records` page) lists it: the stored row with its
 * header columns (ref, port, type, decision, rule: what the filters match) and, read from the body
 * the page already holds, the sender's clientRef and a rejection's code and article. An inspector
 * reads who sent what from which port, and under which rule and article it was refused, without
 * parsing each kind's body: a submission's verdicts are stored compactly (one letter per stage), so
 * its failing rule is in the `rule` column alone. Nothing here reads the store: no query per row.
 */
import type { RecordRow } from '../ports/store.js';
import { PROFILES, type ProfileId } from '../profiles/index.js';

export interface RecordItem extends RecordRow {
  /** The sender's clientRef of a submission (mt); null when it gave none, and on other kinds. */
  clientRef: string | null;
  /**
   * The rule of a rejection: a rejected submission's failing rule (the `rule` column, what `?rule=`
   * matches), or the rule a status record says stopped its message after it was queued (send-time
   * checks; in that record's body, so `?rule=` does not find it). Null otherwise.
   */
  rule: string | null;
  /** The error code of that rejection (a held submission: `held_for_review`); null otherwise. */
  code: string | null;
  /** The article of `rule` in the profile the record names (as `GET /v1/messages/{id}` gives it); null when none. */
  article: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The article of `rule` in profile `profile`, or null (an unknown profile or rule: a record from another edition). */
function articleOf(profile: string | null, rule: string | null): string | null {
  if (!profile || !rule || !Object.prototype.hasOwnProperty.call(PROFILES, profile)) return null;
  const src = PROFILES[profile as ProfileId].rules[rule];
  return src?.article ?? null;
}

/** One row as listed (see the file's comment). A damaged body (`{unreadable}`) gives nulls. */
export function recordItem(r: RecordRow): RecordItem {
  const b = r.body;
  switch (r.kind) {
    case 'mt': {
      const code = str(b.code);
      return { ...r, clientRef: str(b.clientRef), code, article: r.rule ? articleOf(str(b.profile), r.rule) : null };
    }
    case 'status': {
      // A status record keeps the rejection of a message stopped after it was queued (status-body.ts).
      const rule = r.rule ?? str(b.rule);
      const code = str(b.code);
      return { ...r, rule, clientRef: null, code, article: rule ? str(b.article) ?? articleOf(str(b.profile), rule) : null };
    }
    default:
      return { ...r, clientRef: null, code: null, article: null };
  }
}
