/**
 * The facts a commercial decision needs (opt-out, its signatures, do-not-disturb, the governing
 * consent and the use of its category in its current calendar period), read in one SQLite statement
 * when the number holds a live consent. Called by the message adapter inside its decide-and-record transaction, so what it
 * reads and what the decision records are one atomic step (two sends can never both take the last allowance; a send racing an opt-out
 * is decided either before it or after it).
 *
 * Which consent governs (docs/CONSENT.md, "Which consent governs"): of the live ones (not withdrawn,
 * unexpired) the one granted last, the user's latest agreement, whatever its expiry. What its
 * frequency counts: every commercial send from the provider to the number in that category within
 * the consent's period, whatever consent each went under, so recording a consent again never starts
 * the count afresh. (An opt-out that ended the relationship withdrew the consents given before it,
 * store/sqlite/consents.ts, so they are not live here.)
 *
 * Why one statement: this runs once per commercial message, and each call into SQLite costs a few µs
 * before it reads a page. The governing consent is the statement's row (covering index consents_live,
 * migrations 032, 097 and 123, which added has_proof) and opt-out, DND and the category's use are scalar subqueries on it (the use one
 * range of sends_by_number, migration 096); rows come back as arrays (`raw`). Only when there is no
 * live consent (a rejection) do two more statements read the opt-out/DND flags and the latest expired
 * consent, and with no expired one either a third the consent withdrawn last (the refusal names it).
 */
import type { Db } from './db.js';
import type { ConsentFacts, WithdrawnConsent } from '../../pipeline/types.js';
import type { SendTimeFacts } from '../../ports/store.js';
import { frequencyPeriod } from '../../domain/frequency-period.js';

type Per = ConsentFacts['frequency']['per'];
/** A consent row as the statements below return it (raw arrays: no per-row object keys to build). */
type ConsentCols = [id: string, category: string, grantedAt: number, expiresAt: number, freqCount: number, freqPer: Per, hasProof: number];
type LiveRow = [...ConsentCols, opted: number, dnd: number, used: number];

// The governing consent's period as bound parameters, its start then its end: day, week, month each.
const PERIOD_CASE = "CASE c.freq_per WHEN 'day' THEN ? WHEN 'week' THEN ? ELSE ? END";
const COLS = 'c.id, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per, c.has_proof';
// Positional parameters throughout: binding by name costs a property look-up per parameter per call.
// In the live statement the subqueries take the provider and number from the consent row itself.
const OPTED = 'EXISTS (SELECT 1 FROM optouts o WHERE o.content_provider_id = c.content_provider_id AND o.msisdn = c.msisdn)';
const DND = 'EXISTS (SELECT 1 FROM dnd d WHERE d.msisdn = c.msisdn)';
// The category's use in the governing consent's period: every commercial send of the category from the
// provider to the number, under whichever consent (one range of sends_by_number, migration 096), in the
// calendar day, week or month (Asia/Shanghai) that holds the send's time (src/domain/frequency-period.ts):
// scheduled sends later in it count too.
const USED = `(SELECT count(*) FROM sends s WHERE s.content_provider_id = c.content_provider_id AND s.msisdn = c.msisdn AND s.type = 'commercial' AND s.category = c.category AND s.at >= ${PERIOD_CASE} AND s.at < ${PERIOD_CASE})`;

export interface CommercialFacts {
  optedOut: boolean;
  optOutSignatures?: string[];
  dnd: boolean;
  consent: ConsentFacts | null;
  withdrawnConsent?: WithdrawnConsent;
}

/**
 * The facts as the send-time check reads them (ConsentStore.sendTimeFacts, a release's
 * ReleaseFacts): `usedInPeriod` 0 (the allowance was taken at acceptance), and the withdrawn consent
 * a `consent_missing` stop names, as the decision's refusal does.
 */
export function sendTimeFactsOf(f: CommercialFacts): SendTimeFacts {
  const out: SendTimeFacts = { optedOut: f.optedOut, dnd: f.dnd, consent: f.consent ? { ...f.consent, usedInPeriod: 0 } : null };
  if (f.optOutSignatures) out.optOutSignatures = f.optOutSignatures;
  if (f.withdrawnConsent) out.withdrawnConsent = f.withdrawnConsent;
  return out;
}

const consentFacts = (r: ConsentCols | LiveRow, used: number): ConsentFacts => ({
  id: r[0], category: r[1], grantedAt: r[2], expiresAt: r[3], frequency: { count: r[4], per: r[5] }, usedInPeriod: used, hasProof: r[6] === 1,
});

export class CommercialFactsReader {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      // The common case, one statement: the governing consent (the latest grant, ties to the later
      // expiry, then the id), read walking the covering index consents_live backwards (ordered so,
      // migration 097: no sort) to its first live row, with opt-out, DND and the category's use
      // evaluated on that row. Parameters in text order: the starts of the send's day, week and month,
      // then their ends (USED), provider, number, category, now.
      live: db.prepare(`SELECT ${COLS}, ${OPTED}, ${DND}, ${USED} FROM consents c
           WHERE c.content_provider_id = ? AND c.msisdn = ? AND c.category = ? AND c.withdrawn_at IS NULL AND c.expires_at > ?
           ORDER BY c.granted_at DESC, c.expires_at DESC, c.id DESC LIMIT 1`).raw(),
      // No live consent (the message will be rejected): opt-out and DND on their own, then the latest
      // expired consent, needed only to say `consent_expired` rather than `consent_missing`.
      flags: db.prepare('SELECT EXISTS (SELECT 1 FROM optouts WHERE content_provider_id = ? AND msisdn = ?), EXISTS (SELECT 1 FROM dnd WHERE msisdn = ?)').raw(),
      expired: db.prepare(`SELECT ${COLS} FROM consents c WHERE c.content_provider_id = ? AND c.msisdn = ? AND c.category = ? AND c.withdrawn_at IS NULL ORDER BY c.expires_at DESC LIMIT 1`).raw(),
      // Nor an expired one: the consent withdrawn last, for the refusal to name (consent_missing).
      withdrawn: db.prepare('SELECT id, withdrawn_at, withdrawn_by_user FROM consents WHERE content_provider_id = ? AND msisdn = ? AND category = ? AND withdrawn_at IS NOT NULL ORDER BY withdrawn_at DESC, id DESC LIMIT 1').raw(),
      use: db.prepare("SELECT count(*) FROM sends WHERE content_provider_id = ? AND msisdn = ? AND type = 'commercial' AND category = ? AND at >= ? AND at < ?").pluck(),
      signatures: db.prepare('SELECT signature FROM optout_signatures WHERE content_provider_id = ? AND msisdn = ?').pluck(),
    };
  }

  /**
   * Facts for one commercial message from `cp` to `msisdn` in `category` (none: no consent can match),
   * arriving at `now` and to be sent at `sendAt` (its schedule, else `now`): consents live at `now`,
   * the category's use counted around `sendAt`.
   */
  read(cp: string, msisdn: string, category: string | undefined, now: number, sendAt: number = now): CommercialFacts {
    let live: LiveRow | undefined;
    if (category) {
      const d = frequencyPeriod('day', sendAt), w = frequencyPeriod('week', sendAt), m = frequencyPeriod('month', sendAt);
      live = this.q.live.get(d.from, w.from, m.from, d.to, w.to, m.to, cp, msisdn, category, now) as LiveRow | undefined;
    }
    let out: CommercialFacts;
    if (live) {
      out = { optedOut: live[7] === 1, dnd: live[8] === 1, consent: consentFacts(live, live[9]) };
    } else {
      const [opted, dnd] = this.q.flags.get(cp, msisdn, msisdn) as [number, number];
      out = { optedOut: opted === 1, dnd: dnd === 1, consent: null };
      const e = category ? (this.q.expired.get(cp, msisdn, category) as ConsentCols | undefined) : undefined;
      if (e) {
        const p = frequencyPeriod(e[5], sendAt);
        out.consent = consentFacts(e, this.q.use.get(cp, msisdn, e[1], p.from, p.to) as number);
      } else if (category) {
        const w = this.q.withdrawn.get(cp, msisdn, category) as [string, number, number] | undefined;
        if (w) out.withdrawnConsent = { id: w[0], withdrawnAt: w[1], byUser: w[2] === 1 };
      }
    }
    // Which signatures the refusals answered (per-signature opt-out scope; read only when opted out).
    if (out.optedOut) out.optOutSignatures = this.q.signatures.all(cp, msisdn) as string[];
    return out;
  }
}
