/**
 * PostgreSQL adapter for consents, consent requests, opt-outs, the do-not-disturb list and the
 * subscription relationship. Every change is also a subscription record in the same transaction.
 * Decisions about one (provider, number) — opening a request, refusing, opting out — take the same
 * transaction-scoped advisory lock as decideAndRecord, so they serialise across processes; a request
 * is resolved under its row lock (first answer wins). Month partitions for the records a transaction
 * will write are created before it begins (never while it holds locks).
 */
import { randomBytes } from 'node:crypto';
import type { Client, Pool } from './db.js';
import { queries, transaction, jsonbText } from './db.js';
import type {
  ChargedServiceRow, ChargedSubscriptionQuery, ChargedSubscriptionRow, ConsentRequestFacts, ConsentRequestResolution, ConsentRequestRow, ConsentRow, ConsentStore, DndEntry, DndQuery, MoRecord, OptOutOptions,
  RelationshipRow, SendTimeFacts, SubscriberData, SubscriptionEvent,
} from '../../ports/store.js';
import type { ConsentFacts, WithdrawnConsent } from '../../pipeline/types.js';
import { pickConsent } from '../../domain/consent.js';
import type { NewRecord, PgRecordsWriter } from './records-writer.js';
import { moRecordRow } from '../record-columns.js';
import { moCallbackRow, toldMo } from '../callback-targets.js';
import type { PgCallbacks } from './callbacks.js';
import {
  lastMessageIdIn, lastSignatureIn, requestEvidence, toChargedService, toChargedSubscription, toConsentRow, toEvent, toGrantsWithProof, toRequest,
  type ChargedServiceDb, type ChargedSubscriptionDb, type ConsentDb, type RequestDb,
} from '../consent-rows.js';
import { numberLockKey } from './locks.js';
import type { FrequencyPeriod } from '../../domain/frequency-period.js';
import { keysetLowerBound } from '../../domain/page-cursor.js';
import type { AuditAction } from '../../domain/audit-actions.js';

const Q = queries('consents', [
  'insertConsent', 'getConsent', 'withdraw', 'withdrawLive', 'startRelationship', 'openRelationship', 'endRelationship', 'liveConsents',
  'optOut', 'optOutSignature', 'isOptedOut', 'liftOptOut', 'liftOptOutSignatures', 'dnd', 'addDnd', 'dndPage', 'removeDnd', 'insertRequest', 'request', 'requestForUpdate', 'pendingFor', 'pendingAtPort', 'latestAtPort', 'markLateReply',
  'pendingOfProvider', 'refused', 'withdrawnByUser', 'grantedWithProof', 'resolve', 'due', 'markSent', 'unsent', 'expiring', 'markExpired',
  'subscriberConsents', 'subscriberRequests', 'subscriberOptOuts', 'subscriberOptOutSignatures', 'subscriberRelationships',
  'sendTimeFacts', 'withdrawnConsents',
  'insertService', 'service', 'servicesOf', 'services', 'insertSubscription', 'liveSubscription', 'liveSubscriptionsOf', 'endSubscription', 'liveChargedSubscriptions', 'subscriptionsOf',
] as const);

/** A row of the sendTimeFacts query (consents.sql): one per item, in input order. */
interface SendTimeRow {
  opted: boolean;
  signatures: string[];
  dnd: boolean;
  consents: { id: string; category: string; grantedAt: number; expiresAt: number; count: number; per: ConsentFacts['frequency']['per']; hasProof: boolean }[];
}


/** One transaction's work: the client, and the subscription records it will append at the end. */
class Tx {
  readonly recs: NewRecord[] = [];
  constructor(readonly c: Client) {}
  event(e: Omit<SubscriptionEvent, 'id'>, ref: string | null): void {
    this.recs.push({
      id: `sub_${e.at.toString(36)}_${randomBytes(6).toString('hex')}`,
      at: e.at, kind: 'subscription', contentProviderId: e.contentProviderId, msisdn: e.msisdn, ref,
      body: { event: e.kind, channel: e.channel, evidence: e.evidence },
    });
  }
}

export class PgConsents implements ConsentStore {
  /** `callbacks`: a re-subscribe reply's `mo` callback is queued in the lift's transaction (`toldMo`). */
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter, private readonly callbacks: PgCallbacks) {}

  /** Runs `fn` in a transaction after making sure the month partitions for `ats` exist; appends its records last. */
  private async tx<T>(ats: number[], fn: (t: Tx) => Promise<T>): Promise<T> {
    return this.records.withPartitions(ats, () => transaction(this.pool, async (c) => {
      const t = new Tx(c);
      const r = await fn(t);
      await this.records.append(c, t.recs);
      return r;
    }));
  }

  /** The lock decideAndRecord takes for this (provider, number): one decision about a number at a time. */
  private lock(t: Tx, cpId: string, msisdn: string): Promise<unknown> {
    return t.c.query('SELECT pg_advisory_xact_lock($1::bigint)', [numberLockKey(cpId, msisdn).toString()]);
  }

  private async insertConsent(t: Tx, row: ConsentRow): Promise<void> {
    await t.c.query(Q.insertConsent, [row.id, row.contentProviderId, row.msisdn, row.category, row.frequency.count, row.frequency.per, row.grantedAt, row.expiresAt, row.channel, jsonbText(row.proof)]);
    await t.c.query(Q.startRelationship, [row.contentProviderId, row.msisdn, row.grantedAt]);
    t.event({ at: row.grantedAt, kind: 'consent_granted', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: row.channel, evidence: { consentId: row.id, category: row.category, frequency: row.frequency, expiresAt: new Date(row.expiresAt).toISOString(), proof: row.proof } }, row.id);
  }

  /** Ends the relationship when no live consent is left (or `force`). */
  private async maybeEndRelationship(t: Tx, cpId: string, msisdn: string, at: number, reason: string, force = false): Promise<void> {
    if ((await t.c.query(Q.openRelationship, [cpId, msisdn])).rowCount === 0) return;
    if (!force && (await t.c.query<{ n: number }>(Q.liveConsents, [cpId, msisdn, at])).rows[0].n > 0) return;
    await t.c.query(Q.endRelationship, [at, reason, cpId, msisdn]);
    t.event({ at, kind: 'relationship_ended', contentProviderId: cpId, msisdn, channel: 'system', evidence: { reason } }, null);
  }

  async grantConsent(row: ConsentRow): Promise<void> {
    await this.tx([row.grantedAt], (t) => this.insertConsent(t, row));
  }

  async getConsent(id: string): Promise<ConsentRow | null> {
    const r = (await this.pool.query<ConsentDb>(Q.getConsent, [id])).rows[0];
    return r ? toConsentRow(r) : null;
  }

  async withdrawConsent(id: string, contentProviderId: string, at: number, channel: string, proof?: Record<string, unknown>): Promise<boolean> {
    return this.tx([at], async (t) => {
      // The number's lock, as an opt-out takes it: a release from review judging this consent sees
      // the withdrawal or commits before it (PgMessages.resolveHeld).
      const of = (await t.c.query<ConsentDb>(Q.getConsent, [id])).rows[0];
      if (of && of.content_provider_id === contentProviderId) await this.lock(t, contentProviderId, of.msisdn);
      const r = (await t.c.query<{ msisdn: string; category: string }>(Q.withdraw, [id, contentProviderId, at, proof !== undefined])).rows[0];
      if (!r) return false;
      t.event({ at, kind: 'consent_withdrawn', contentProviderId, msisdn: r.msisdn, channel, evidence: proof ? { consentId: id, category: r.category, proof } : { consentId: id, category: r.category } }, id);
      await this.maybeEndRelationship(t, contentProviderId, r.msisdn, at, 'last_consent_withdrawn');
      return true;
    });
  }

  /**
   * The opt-out, its per-signature row, pending requests refused, relationship ended. An opt-out that
   * ends the relationship (the whole provider) also withdraws the live consents, each with its own
   * `consent_withdrawn` record: the refusal supersedes what the user agreed before it, so after a
   * lift only consents given later count. A per-signature one leaves them: they still carry the
   * provider's other signatures.
   */
  private async applyOptOut(t: Tx, cpId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, opts: OptOutOptions, skipRequest?: string): Promise<void> {
    const ends = opts.endsRelationship ?? true;
    await t.c.query(Q.optOut, [cpId, msisdn, at]);
    await t.c.query(Q.optOutSignature, [cpId, msisdn, opts.signature ?? '*', at]);
    t.event({ at, kind: 'opt_out', contentProviderId: cpId, msisdn, channel, evidence: { ...evidence, signature: opts.signature ?? null } }, null);
    if (ends) {
      const ended = (await t.c.query<{ id: string; category: string; granted_at: string | number }>(Q.withdrawLive, [cpId, msisdn, at])).rows;
      ended.sort((a, b) => Number(a.granted_at) - Number(b.granted_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const c of ended) t.event({ at, kind: 'consent_withdrawn', contentProviderId: cpId, msisdn, channel, evidence: { consentId: c.id, category: c.category, reason: 'opt_out' } }, c.id);
    }
    for (const p of (await t.c.query<RequestDb>(Q.pendingOfProvider, [cpId, msisdn])).rows) {
      if (p.id === skipRequest) continue;
      await t.c.query(Q.resolve, ['refused', at, null, p.id]);
      t.event({ at, kind: 'consent_refused', contentProviderId: cpId, msisdn, channel, evidence: { requestId: p.id, category: p.category, reason: 'opt_out' } }, p.id);
    }
    // Whatever the opt-out's scope: the user refused the provider, so it charges them for nothing more (rule 8).
    for (const sub of (await t.c.query<ChargedSubscriptionDb>(Q.liveSubscriptionsOf, [cpId, msisdn])).rows) await this.endSubscription(t, toChargedSubscription(sub), at, channel, 'opt_out', {});
    if (ends) await this.maybeEndRelationship(t, cpId, msisdn, at, 'opt_out', true);
  }

  /** Ends one live charged subscription, recorded under its id. */
  private async endSubscription(t: Tx, sub: ChargedSubscriptionRow, at: number, channel: string, reason: string, evidence: Record<string, unknown>): Promise<void> {
    await t.c.query(Q.endSubscription, [at, reason, sub.id]);
    t.event({ at, kind: 'charged_subscription_ended', contentProviderId: sub.contentProviderId, msisdn: sub.msisdn, channel, evidence: { subscriptionId: sub.id, serviceId: sub.serviceId, reason, ...evidence } }, sub.id);
  }

  /** Stores a confirmed charged subscription and records it (ref = its id, the notice's). */
  private async insertSubscription(t: Tx, sub: ChargedSubscriptionRow): Promise<void> {
    await t.c.query(Q.insertSubscription, [sub.id, sub.serviceId, sub.contentProviderId, sub.msisdn, sub.startedAt, jsonbText(sub.proof)]);
    t.event({ at: sub.startedAt, kind: 'charged_subscription_started', contentProviderId: sub.contentProviderId, msisdn: sub.msisdn, channel: 'sms', evidence: { subscriptionId: sub.id, serviceId: sub.serviceId, proof: sub.proof } }, sub.id);
  }

  async addChargedService(row: ChargedServiceRow): Promise<void> {
    await this.pool.query(Q.insertService, [row.id, row.contentProviderId, row.name, row.port, row.tariff.amountFen, row.tariff.per, row.createdAt]);
  }

  async getChargedService(id: string): Promise<ChargedServiceRow | null> {
    const r = (await this.pool.query<ChargedServiceDb>(Q.service, [id])).rows[0];
    return r ? toChargedService(r) : null;
  }

  async listChargedServices(contentProviderId?: string): Promise<ChargedServiceRow[]> {
    const rows = contentProviderId === undefined ? (await this.pool.query<ChargedServiceDb>(Q.services)).rows : (await this.pool.query<ChargedServiceDb>(Q.servicesOf, [contentProviderId])).rows;
    return rows.map(toChargedService);
  }

  async activeChargedSubscription(serviceId: string, msisdn: string): Promise<ChargedSubscriptionRow | null> {
    const r = (await this.pool.query<ChargedSubscriptionDb>(Q.liveSubscription, [serviceId, msisdn])).rows[0];
    return r ? toChargedSubscription(r) : null;
  }

  async listChargedSubscriptions(serviceId: string, q: ChargedSubscriptionQuery): Promise<ChargedSubscriptionRow[]> {
    const past = keysetLowerBound(q.after, q.from);
    return (await this.pool.query<ChargedSubscriptionDb>(Q.subscriptionsOf, [serviceId, past.at, past.id, q.to ?? Number.MAX_SAFE_INTEGER, q.limit])).rows.map(toChargedSubscription);
  }

  async endChargedSubscription(serviceId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<boolean> {
    return this.tx([at], async (t) => {
      const peek = (await t.c.query<ChargedSubscriptionDb>(Q.liveSubscription, [serviceId, msisdn])).rows[0];
      if (!peek) return false;
      // The number's lock, as an opt-out takes it: the two never end one subscription twice.
      await this.lock(t, peek.content_provider_id, msisdn);
      const r = (await t.c.query<ChargedSubscriptionDb>(Q.liveSubscription, [serviceId, msisdn])).rows[0];
      if (!r) return false;
      await this.endSubscription(t, toChargedSubscription(r), at, channel, 'unsubscribed', evidence);
      return true;
    });
  }

  async optOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, opts: OptOutOptions = {}): Promise<void> {
    await this.tx(opts.mo ? [at, opts.mo.at] : [at], async (t) => {
      await this.lock(t, contentProviderId, msisdn);
      if (opts.mo) await this.appendMo(t, opts.mo);
      await this.applyOptOut(t, contentProviderId, msisdn, at, channel, evidence, opts);
    });
  }

  /** Inside a transaction: an MO's record and, when its provider is told of it, its `mo` callback. */
  private async appendMo(t: Tx, mo: MoRecord): Promise<void> {
    t.recs.push(moRecordRow(mo));
    if (toldMo(mo) && this.callbacks.targets.wantsMo(mo.contentProviderId)) await this.callbacks.queueWith(t.c, [moCallbackRow(mo.contentProviderId, mo)]);
  }

  async isOptedOut(contentProviderId: string, msisdn: string): Promise<boolean> {
    return ((await this.pool.query(Q.isOptedOut, [contentProviderId, msisdn])).rowCount ?? 0) > 0;
  }

  async liftOptOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, mo?: MoRecord): Promise<boolean> {
    return this.tx(mo ? [at, mo.at] : [at], async (t) => {
      // The same lock as an opt-out and a decision for this number: a send racing the lift sees one side of it.
      await this.lock(t, contentProviderId, msisdn);
      const n = ((await t.c.query(Q.liftOptOut, [contentProviderId, msisdn])).rowCount ?? 0) + ((await t.c.query(Q.liftOptOutSignatures, [contentProviderId, msisdn])).rowCount ?? 0);
      if (n === 0) return false;
      if (mo) await this.appendMo(t, mo);
      t.event({ at, kind: 'opt_in', contentProviderId, msisdn, channel, evidence }, null);
      return true;
    });
  }

  async addDnd(msisdns: string[], at: number, actor: string, source: string): Promise<number> {
    if (msisdns.length === 0) return 0;
    return this.tx([at], async (t) => {
      const added = new Set((await t.c.query<{ msisdn: string }>(Q.addDnd, [msisdns, at, source])).rows.map((r) => r.msisdn));
      // Records in input order, as the SQLite adapter writes them.
      for (const m of [...new Set(msisdns)]) if (added.has(m)) t.event({ at, kind: 'dnd_added', contentProviderId: null, msisdn: m, channel: 'admin', evidence: { actor, source } }, null);
      return added.size;
    });
  }

  async dndEntry(msisdn: string): Promise<DndEntry | null> {
    const r = (await this.pool.query<{ at: number; source: string }>(Q.dnd, [msisdn])).rows[0];
    return r ? { msisdn, at: r.at, source: r.source } : null;
  }

  async listDnd(q: DndQuery): Promise<DndEntry[]> {
    const past = keysetLowerBound(q.after, undefined);
    return (await this.pool.query<DndEntry>(Q.dndPage, [past.at, past.id, q.limit])).rows.map((r) => ({ msisdn: r.msisdn, at: r.at, source: r.source }));
  }

  async removeDnd(msisdn: string, at: number, actor: string, reason: string): Promise<DndEntry | null> {
    // No number lock, as an import takes none: a decision racing the removal sees one side of it.
    return this.tx([at], async (t) => {
      const r = (await t.c.query<{ at: number; source: string }>(Q.removeDnd, [msisdn])).rows[0];
      if (!r) return null;
      const facts = { actor, reason, source: r.source, listedAt: new Date(r.at).toISOString() };
      // the import's record's counterpart (dnd_added), then the operator's act, as both adapters write them
      t.event({ at, kind: 'dnd_removed', contentProviderId: null, msisdn, channel: 'admin', evidence: facts }, null);
      t.recs.push({
        id: `aud_dnd_${at.toString(36)}_${randomBytes(6).toString('hex')}`, at, kind: 'audit', contentProviderId: null, msisdn, ref: null,
        body: { action: 'dnd.remove' satisfies AuditAction, msisdn, ...facts },
      });
      return { msisdn, at: r.at, source: r.source };
    });
  }

  async subscriptionEvents(msisdn: string, contentProviderId?: string): Promise<SubscriptionEvent[]> {
    return (await this.records.byMsisdn(msisdn, 'subscription'))
      .filter((r) => !contentProviderId || r.contentProviderId === contentProviderId || r.contentProviderId === null)
      .map(toEvent);
  }

  async openConsentRequest(row: ConsentRequestRow, check: (facts: ConsentRequestFacts) => void): Promise<void> {
    await this.tx([row.createdAt], async (t) => {
      await this.lock(t, row.contentProviderId, row.msisdn);
      const pending = (await t.c.query<RequestDb>(Q.pendingFor, [row.contentProviderId, row.msisdn])).rows[0];
      check({
        optedOut: ((await t.c.query(Q.isOptedOut, [row.contentProviderId, row.msisdn])).rowCount ?? 0) > 0,
        dnd: ((await t.c.query(Q.dnd, [row.msisdn])).rowCount ?? 0) > 0,
        pending: pending ? toRequest(pending) : null,
        refused: (await t.c.query<RequestDb>(Q.refused, [row.contentProviderId, row.msisdn])).rows.map(toRequest),
        withdrawnByUser: (await t.c.query<{ id: string; category: string; withdrawn_at: string }>(Q.withdrawnByUser, [row.contentProviderId, row.msisdn])).rows.map((w) => ({ id: w.id, category: w.category, withdrawnAt: Number(w.withdrawn_at) })),
        grantedWithProof: toGrantsWithProof((await t.c.query<{ id: string; category: string; granted_at: string; proof: Record<string, unknown> }>(Q.grantedWithProof, [row.contentProviderId, row.msisdn])).rows),
        ...(row.chargedServiceId !== undefined ? { chargedActive: ((await t.c.query(Q.liveSubscription, [row.chargedServiceId, row.msisdn])).rowCount ?? 0) > 0 } : {}),
      });
      await t.c.query(Q.insertRequest, [row.id, row.contentProviderId, row.msisdn, row.port, row.category, row.frequency.count, row.frequency.per, row.durationDays, row.text, row.messageId, row.createdAt, row.deadlineAt, row.profile, row.chargedServiceId ?? null]);
      t.event({
        at: row.createdAt, kind: 'consent_requested', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: 'sms',
        evidence: requestEvidence(row),
      }, row.id);
    });
  }

  async markConsentRequestSent(id: string): Promise<void> {
    await this.pool.query(Q.markSent, [id]);
  }

  async unsentConsentRequests(limit: number): Promise<ConsentRequestRow[]> {
    return (await this.pool.query<RequestDb>(Q.unsent, [limit])).rows.map(toRequest);
  }

  async getConsentRequest(id: string): Promise<{ request: ConsentRequestRow; history: SubscriptionEvent[] } | null> {
    const r = (await this.pool.query<RequestDb>(Q.request, [id])).rows[0];
    if (!r) return null;
    const own = await this.records.byRef(id);
    const grant = r.consent_id ? await this.records.byRef(r.consent_id) : [];
    const history = [...own, ...grant].filter((x) => x.kind === 'subscription').sort((a, b) => a.seq - b.seq).map(toEvent);
    return { request: toRequest(r), history };
  }

  async pendingConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null> {
    const r = (await this.pool.query<RequestDb>(Q.pendingAtPort, [msisdn, port])).rows[0];
    return r ? toRequest(r) : null;
  }

  async resolveConsentRequest(id: string, res: ConsentRequestResolution): Promise<boolean> {
    const ats = [res.at, ...(res.consent ? [res.consent.grantedAt] : []), ...(res.chargedSubscription ? [res.chargedSubscription.startedAt] : []), ...(res.mo ? [res.mo.at] : [])];
    return this.tx(ats, async (t) => {
      const peek = (await t.c.query<RequestDb>(Q.request, [id])).rows[0];
      if (!peek) return false;
      // Number lock first (the order every other path takes), then the request row.
      await this.lock(t, peek.content_provider_id, peek.msisdn);
      const r = (await t.c.query<RequestDb>(Q.requestForUpdate, [id])).rows[0];
      if (!r || r.status !== 'pending') return false;
      await t.c.query(Q.resolve, [res.status, res.at, res.consent?.id ?? null, id]);
      const kind: SubscriptionEvent['kind'] =
        res.status === 'granted' ? 'consent_granted' : res.status === 'refused' ? 'consent_refused' : res.status === 'deemed_refused' ? 'consent_deemed_refused' : 'consent_request_lapsed';
      if (res.status !== 'granted') {
        t.event({ at: res.at, kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: res.channel, evidence: { requestId: id, category: r.category, ...res.evidence } }, id);
      }
      if (res.consent) await this.insertConsent(t, res.consent);
      if (res.chargedSubscription) await this.insertSubscription(t, res.chargedSubscription);
      if (res.optOut) {
        await this.applyOptOut(t, r.content_provider_id, r.msisdn, res.at, res.channel, res.optOut.evidence, { signature: res.optOut.signature, endsRelationship: res.optOut.endsRelationship }, id);
      }
      if (res.mo) await this.appendMo(t, res.mo);
      return true;
    });
  }

  async latestConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null> {
    const r = (await this.pool.query<RequestDb>(Q.latestAtPort, [msisdn, port])).rows[0];
    return r ? toRequest(r) : null;
  }

  async answerLateConsentReply(id: string, a: { at: number; channel: string; evidence: Record<string, unknown>; mo: MoRecord }): Promise<boolean> {
    return this.tx([a.at, a.mo.at], async (t) => {
      const r = (await t.c.query<{ content_provider_id: string; msisdn: string }>(Q.markLateReply, [a.at, id])).rows[0];
      if (!r) return false;
      t.event({ at: a.at, kind: 'consent_reply', contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: a.channel, evidence: { requestId: id, ...a.evidence } }, id);
      await this.appendMo(t, a.mo);
      return true;
    });
  }

  async noteConsentReply(id: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<void> {
    const r = (await this.pool.query<RequestDb>(Q.request, [id])).rows[0];
    if (!r) return;
    await this.records.appendNow([{ id: `sub_${at.toString(36)}_${randomBytes(6).toString('hex')}`, at, kind: 'subscription', contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: id, body: { event: 'consent_reply', channel, evidence: { requestId: id, ...evidence } } }]);
  }

  async dueConsentRequests(now: number, limit: number): Promise<ConsentRequestRow[]> {
    return (await this.pool.query<RequestDb>(Q.due, [now, limit])).rows.map(toRequest);
  }

  async recordConsentExpiries(now: number, limit: number): Promise<number> {
    // Expiry records carry the expiry time, possibly in an earlier month: create those partitions
    // first (outside the transaction), from a look at the candidates.
    const peek = (await this.pool.query<ConsentDb>(Q.expiring.replace(/FOR UPDATE SKIP LOCKED/, ''), [now, limit])).rows;
    if (peek.length === 0) return 0;
    return this.tx(peek.map((r) => r.expires_at), async (t) => {
      const rows = (await t.c.query<ConsentDb>(Q.expiring, [now, limit])).rows;
      if (rows.length) await t.c.query(Q.markExpired, [rows.map((r) => r.id)]);
      for (const r of rows) {
        t.event({ at: r.expires_at, kind: 'consent_expired', contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: 'system', evidence: { consentId: r.id, category: r.category } }, r.id);
        await this.maybeEndRelationship(t, r.content_provider_id, r.msisdn, r.expires_at, 'last_consent_expired');
      }
      return rows.length;
    });
  }

  async lastSignatureSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null> {
    return lastSignatureIn(await this.records.byMsisdn(msisdn, 'mt'), contentProviderId, port);
  }

  async lastMessageSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null> {
    return lastMessageIdIn(await this.records.byMsisdn(msisdn, 'mt'), contentProviderId, port);
  }

  async carryFrequencyCount(q: { messageId: string; contentProviderId: string; msisdn: string; category: string; countedAt: number; sendAt: number; period: FrequencyPeriod; limit: number }): Promise<{ outcome: 'carried' | 'exceeded' | 'absent'; used: number }> {
    return transaction(this.pool, async (c) => {
      // The number's lock, as decideAndRecord takes it: a decision counting this period waits for the carry.
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [numberLockKey(q.contentProviderId, q.msisdn).toString()]);
      // Where the count stands: where an earlier carry left it, else where it was taken.
      const left = (await c.query<{ counted_at: string | null }>('SELECT counted_at FROM message_status WHERE id = $1', [q.messageId])).rows[0]?.counted_at;
      const at = left != null ? Number(left) : q.countedAt;
      const used = Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM sends WHERE content_provider_id = $1 AND msisdn = $2 AND type = 'commercial' AND category = $3 AND at >= $4 AND at < $5", [q.contentProviderId, q.msisdn, q.category, q.period.from, q.period.to])).rows[0].n);
      if (at >= q.period.from) return { outcome: 'absent' as const, used };
      const row = (await c.query<{ ctid: string }>("SELECT ctid FROM sends WHERE content_provider_id = $1 AND msisdn = $2 AND type = 'commercial' AND category = $3 AND at = $4 LIMIT 1", [q.contentProviderId, q.msisdn, q.category, at])).rows[0];
      if (!row) return { outcome: 'absent' as const, used };
      if (used >= q.limit) {
        await c.query('DELETE FROM sends WHERE ctid = $1', [row.ctid]);
        return { outcome: 'exceeded' as const, used };
      }
      await c.query('UPDATE sends SET at = $1 WHERE ctid = $2', [q.sendAt, row.ctid]);
      await c.query('UPDATE message_status SET counted_at = $1 WHERE id = $2', [q.sendAt, q.messageId]);
      return { outcome: 'carried' as const, used };
    });
  }

  /**
   * ConsentStore.sendTimeFacts: one statement for the batch (consents.sql); the governing consent is
   * picked as decideAndRecord picks it (pickConsent over the unwithdrawn consents of the category:
   * the live one granted last, else the latest expired), with `usedInPeriod` 0 (the allowance was
   * taken at acceptance). A read outside any lock: what committed before it is seen.
   */
  async sendTimeFacts(items: readonly { contentProviderId: string; msisdn: string; category: string }[], now: number): Promise<SendTimeFacts[]> {
    return readSendTimeFacts(this.pool, items, now);
  }

  /** ConsentStore.liveChargedSubscriptions: one statement for the batch (consents.sql), a read outside any lock. */
  async liveChargedSubscriptions(items: readonly { serviceId: string; contentProviderId: string; msisdn: string }[]): Promise<(string | null)[]> {
    if (items.length === 0) return [];
    const rows = (await this.pool.query<{ id: string | null }>(Q.liveChargedSubscriptions, [items.map((i) => i.serviceId), items.map((i) => i.contentProviderId), items.map((i) => i.msisdn)])).rows;
    return rows.map((r) => r.id);
  }

  async subscriber(msisdn: string, contentProviderId?: string): Promise<SubscriberData> {
    const args = [msisdn, contentProviderId ?? null];
    const consents = (await this.pool.query<ConsentDb>(Q.subscriberConsents, args)).rows.map(toConsentRow);
    const requests = (await this.pool.query<RequestDb>(Q.subscriberRequests, args)).rows.map(toRequest);
    const opt = (await this.pool.query<{ content_provider_id: string; at: number }>(Q.subscriberOptOuts, args)).rows;
    const sigs = (await this.pool.query<{ content_provider_id: string; signature: string }>(Q.subscriberOptOutSignatures, args)).rows;
    const rel = (await this.pool.query<{ content_provider_id: string; msisdn: string; started_at: number; ended_at: number | null; end_reason: string | null }>(Q.subscriberRelationships, args)).rows;
    const dnd = (await this.pool.query<{ at: number; source: string }>(Q.dnd, [msisdn])).rows[0];
    return {
      msisdn,
      dnd: dnd ? { at: dnd.at, source: dnd.source } : null,
      optOuts: opt.map((o) => ({ contentProviderId: o.content_provider_id, at: o.at, signatures: sigs.filter((s) => s.content_provider_id === o.content_provider_id).map((s) => s.signature) })),
      consents,
      requests,
      relationships: rel.map((r): RelationshipRow => ({ contentProviderId: r.content_provider_id, msisdn: r.msisdn, startedAt: r.started_at, endedAt: r.ended_at, endReason: r.end_reason })),
      events: await this.subscriptionEvents(msisdn, contentProviderId),
    };
  }
}

/**
 * ConsentStore.sendTimeFacts on `q`: the pool, or a transaction's client (a release from review reads
 * them in its transaction, after the number's lock: PgMessages.resolveHeld).
 */
export async function readSendTimeFacts(q: Pool | Client, items: readonly { contentProviderId: string; msisdn: string; category: string | null }[], now: number): Promise<SendTimeFacts[]> {
  if (items.length === 0) return [];
  const rows = (await q.query<SendTimeRow>(Q.sendTimeFacts, [items.map((i) => i.contentProviderId), items.map((i) => i.msisdn), items.map((i) => i.category)])).rows;
  // With no unwithdrawn consent of the category (its message is stopped consent_missing): the one
  // withdrawn last, which the stop names as a decision's refusal does; a second statement, only then.
  const bare = items.flatMap((i, n) => (rows[n].consents.length === 0 && i.category !== null ? [[i.contentProviderId, i.msisdn, i.category] as const] : []));
  const withdrawn = bare.length > 0 ? await readWithdrawnConsents(q, bare) : undefined;
  return rows.map((r, n) => {
    const c = pickConsent(r.consents, now, (x) => x);
    const out: SendTimeFacts = {
      optedOut: r.opted, dnd: r.dnd,
      consent: c ? { id: c.id, category: c.category, grantedAt: c.grantedAt, expiresAt: c.expiresAt, frequency: { count: c.count, per: c.per }, usedInPeriod: 0, hasProof: c.hasProof } : null,
    };
    // which signatures the refusals answered (per-signature scope), only with an opt-out (as SQLite)
    if (r.opted) out.optOutSignatures = r.signatures;
    const cat = items[n].category;
    const w = cat === null ? undefined : withdrawn?.get(withdrawnKey(items[n].contentProviderId, items[n].msisdn, cat));
    if (w) out.withdrawnConsent = w;
    return out;
  });
}

/** The key of a (provider, number, category) triple in {@link readWithdrawnConsents}' answer. */
export const withdrawnKey = (cp: string, msisdn: string, category: string): string => `${cp}\u0000${msisdn}\u0000${category}`;

/**
 * For (provider, number, category) triples with no unwithdrawn consent (their commercial messages are
 * refused `consent_missing`): each one's consent withdrawn last, by {@link withdrawnKey}; a triple with
 * none is absent. One statement (consents.sql withdrawnConsents), on `q`: a decision's transaction
 * (messages.ts, after its locks) or the send-time check's read.
 */
export async function readWithdrawnConsents(q: Pool | Client, triples: readonly (readonly [cp: string, msisdn: string, category: string])[]): Promise<Map<string, WithdrawnConsent>> {
  const rows = (await q.query<{ cp: string; m: string; cat: string; id: string; withdrawn_at: string | number; withdrawn_by_user: boolean }>(Q.withdrawnConsents, [triples.map((x) => x[0]), triples.map((x) => x[1]), triples.map((x) => x[2])])).rows;
  return new Map(rows.map((r) => [withdrawnKey(r.cp, r.m, r.cat), { id: r.id, withdrawnAt: Number(r.withdrawn_at), byUser: r.withdrawn_by_user }]));
}
