/**
 * SQLite adapter for consents, consent requests, opt-outs, the do-not-disturb list and the
 * subscription relationship. Every change is also a subscription record (through the records
 * writer, in the same transaction), so the statutory trail and the operational state never disagree.
 * better-sqlite3 is synchronous: each method body runs as one transaction with nothing interleaved.
 */
import type { Db } from './db.js';
import type { Statement } from 'better-sqlite3';
import type { FrequencyPeriod } from '../../domain/frequency-period.js';
import { keysetLowerBound } from '../../domain/page-cursor.js';
import type {
  ChargedServiceRow, ChargedSubscriptionQuery, ChargedSubscriptionRow, ConsentRequestFacts, ConsentRequestResolution, ConsentRequestRow, ConsentRow, ConsentStore, DndEntry, DndQuery, MoRecord, OptOutOptions,
  RelationshipRow, SendTimeFacts, SubscriberData, SubscriptionEvent,
} from '../../ports/store.js';
import type { AuditAction } from '../../domain/audit-actions.js';
import { CommercialFactsReader, sendTimeFactsOf } from './commercial-facts.js';
import { consentHasProof } from '../../domain/consent.js';
import type { RecordsWriter } from './records-writer.js';
import { moRecordRow } from '../record-columns.js';
import { moCallbackRow, toldMo } from '../callback-targets.js';
import type { SqliteCallbacks } from './callbacks.js';
import {
  lastMessageIdIn, lastSignatureIn, requestEvidence, toChargedService, toChargedSubscription, toConsentRow, toEvent, toGrantsWithProof, toRequest,
  type ChargedServiceDb, type ChargedSubscriptionDb, type ConsentDb, type RequestDb,
} from '../consent-rows.js';

/**
 * A service's subscriptions (ConsentStore.listChargedSubscriptions): a keyset page within a window of
 * start times. Both bounds are the walk's on charged_subscriptions_service (migration 129): the lower
 * one strictly past the page's last row or just before the window's start (keysetLowerBound), the upper
 * one the window's end. Before 2026-12-07 it read `? IS NULL OR (started_at, id) > (?, ?)`, which left
 * only service_id to the index, and had no window: every page walked from the service's first row.
 */
export const SUBSCRIPTIONS_OF = 'SELECT * FROM charged_subscriptions WHERE service_id = ? AND (started_at, id) > (?, ?) AND started_at < ? ORDER BY started_at, id LIMIT ?';

/**
 * A page of the do-not-disturb list (ConsentStore.listDnd): strictly past the previous page's last
 * entry (keysetLowerBound), in (at, msisdn) order, a walk on dnd_listed (migration 134).
 */
export const DND_PAGE = 'SELECT msisdn, at, source FROM dnd WHERE (at, msisdn) > (?, ?) ORDER BY at, msisdn LIMIT ?';

export class SqliteConsents implements ConsentStore {
  private seq = 0;
  private readonly q;
  /** `callbacks`: a re-subscribe reply's `mo` callback is queued in the lift's transaction (`toldMo`). */
  constructor(private readonly db: Db, private readonly records: RecordsWriter, private readonly callbacks: SqliteCallbacks) {
    this.q = {
      insertConsent: db.prepare('INSERT INTO consents (id, content_provider_id, msisdn, category, freq_count, freq_per, granted_at, expires_at, channel, proof, has_proof, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)'),
      startRelationship: db.prepare(
        `INSERT INTO subscription_relationships (content_provider_id, msisdn, started_at, ended_at, end_reason) VALUES (?, ?, ?, NULL, NULL)
           ON CONFLICT DO UPDATE SET started_at = CASE WHEN ended_at IS NULL THEN started_at ELSE excluded.started_at END, ended_at = NULL, end_reason = NULL`,
      ),
      openRelationship: db.prepare('SELECT 1 FROM subscription_relationships WHERE content_provider_id = ? AND msisdn = ? AND ended_at IS NULL'),
      endRelationship: db.prepare('UPDATE subscription_relationships SET ended_at = ?, end_reason = ? WHERE content_provider_id = ? AND msisdn = ? AND ended_at IS NULL'),
      liveConsents: db.prepare('SELECT count(*) AS n FROM consents WHERE content_provider_id = ? AND msisdn = ? AND withdrawn_at IS NULL AND expires_at > ?'),
      liveOfNumber: db.prepare('SELECT id, category FROM consents WHERE content_provider_id = ? AND msisdn = ? AND withdrawn_at IS NULL AND expires_at > ? ORDER BY granted_at, id'),
      withdraw: db.prepare('UPDATE consents SET withdrawn_at = ? WHERE id = ?'),
      insertOptOut: db.prepare('INSERT INTO optouts (content_provider_id, msisdn, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at'),
      insertOptOutSig: db.prepare('INSERT INTO optout_signatures (content_provider_id, msisdn, signature, at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at'),
      optedOut: db.prepare('SELECT 1 FROM optouts WHERE content_provider_id = ? AND msisdn = ?'),
      liftOptOut: db.prepare('DELETE FROM optouts WHERE content_provider_id = ? AND msisdn = ?'),
      liftOptOutSigs: db.prepare('DELETE FROM optout_signatures WHERE content_provider_id = ? AND msisdn = ?'),
      dnd: db.prepare('SELECT at, source FROM dnd WHERE msisdn = ?'),
      dndPage: db.prepare(DND_PAGE),
      removeDnd: db.prepare('DELETE FROM dnd WHERE msisdn = ? RETURNING at, source'),
      insertRequest: db.prepare(
        `INSERT INTO consent_requests (id, content_provider_id, msisdn, port, category, freq_count, freq_per, duration_days, text, message_id, status, created_at, deadline_at, resolved_at, consent_id, profile, charged_service_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, NULL, NULL, ?, ?)`,
      ),
      insertService: db.prepare('INSERT INTO charged_services (id, content_provider_id, name, port, amount_fen, per, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      service: db.prepare('SELECT * FROM charged_services WHERE id = ?'),
      servicesOf: db.prepare('SELECT * FROM charged_services WHERE content_provider_id = ? ORDER BY created_at, id'),
      services: db.prepare('SELECT * FROM charged_services ORDER BY created_at, id'),
      insertSubscription: db.prepare('INSERT INTO charged_subscriptions (id, service_id, content_provider_id, msisdn, started_at, ended_at, end_reason, proof) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)'),
      liveSubscription: db.prepare('SELECT * FROM charged_subscriptions WHERE service_id = ? AND msisdn = ? AND ended_at IS NULL'),
      // the send-time check's (rule 8): the sender's live subscription, by charged_subscriptions_live (migration 128)
      liveChargeOf: db.prepare('SELECT id FROM charged_subscriptions WHERE service_id = ? AND msisdn = ? AND content_provider_id = ? AND ended_at IS NULL').pluck(),
      subscriptionsOf: db.prepare(SUBSCRIPTIONS_OF),
      liveSubscriptionsOf: db.prepare('SELECT * FROM charged_subscriptions WHERE content_provider_id = ? AND msisdn = ? AND ended_at IS NULL ORDER BY started_at, id'),
      endSubscription: db.prepare('UPDATE charged_subscriptions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL'),
      request: db.prepare('SELECT * FROM consent_requests WHERE id = ?'),
      pendingFor: db.prepare("SELECT * FROM consent_requests WHERE content_provider_id = ? AND msisdn = ? AND status = 'pending' ORDER BY created_at DESC LIMIT 1"),
      pendingAtPort: db.prepare("SELECT * FROM consent_requests WHERE msisdn = ? AND port = ? AND status = 'pending' ORDER BY created_at DESC LIMIT 1"),
      latestAtPort: db.prepare('SELECT * FROM consent_requests WHERE msisdn = ? AND port = ? ORDER BY created_at DESC, id DESC LIMIT 1'),
      // a late reply answered once (migration 135): only a closed request, only the first time
      markLateReply: db.prepare("UPDATE consent_requests SET late_reply_at = ? WHERE id = ? AND status <> 'pending' AND late_reply_at IS NULL"),
      pendingOfProvider: db.prepare("SELECT * FROM consent_requests WHERE content_provider_id = ? AND msisdn = ? AND status = 'pending'"),
      refused: db.prepare("SELECT * FROM consent_requests WHERE content_provider_id = ? AND msisdn = ? AND status IN ('refused', 'deemed_refused') ORDER BY created_at"),
      withdrawnByUser: db.prepare('SELECT id, category, withdrawn_at AS withdrawnAt FROM consents WHERE content_provider_id = ? AND msisdn = ? AND withdrawn_by_user = 1 ORDER BY withdrawn_at'),
      grantedWithProof: db.prepare('SELECT id, category, granted_at, proof FROM consents WHERE content_provider_id = ? AND msisdn = ? AND has_proof = 1'),
      resolve: db.prepare("UPDATE consent_requests SET status = ?, resolved_at = ?, consent_id = ? WHERE id = ? AND status = 'pending'"),
      due: db.prepare("SELECT * FROM consent_requests WHERE status = 'pending' AND deadline_at <= ? ORDER BY deadline_at LIMIT ?"),
      markSent: db.prepare('UPDATE consent_requests SET message_sent = 1 WHERE id = ?'),
      unsent: db.prepare('SELECT * FROM consent_requests WHERE message_sent = 0 ORDER BY created_at LIMIT ?'),
      expiring: db.prepare('SELECT * FROM consents WHERE expiry_recorded = 0 AND withdrawn_at IS NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?'),
      markExpired: db.prepare('UPDATE consents SET expiry_recorded = 1 WHERE id = ?'),
    };
  }

  private event(e: Omit<SubscriptionEvent, 'id'>, ref: string | null): void {
    this.records.append({
      id: `sub_${e.at.toString(36)}_${(this.seq++).toString(36)}`,
      at: e.at, kind: 'subscription', contentProviderId: e.contentProviderId, msisdn: e.msisdn, ref,
      body: { event: e.kind, channel: e.channel, evidence: e.evidence },
    });
  }

  /** Inside a transaction: store a consent, record it, open (or keep open) the relationship. */
  private insertConsent(row: ConsentRow): void {
    this.q.insertConsent.run(row.id, row.contentProviderId, row.msisdn, row.category, row.frequency.count, row.frequency.per, row.grantedAt, row.expiresAt, row.channel, JSON.stringify(row.proof), consentHasProof(row.proof) ? 1 : 0);
    this.q.startRelationship.run(row.contentProviderId, row.msisdn, row.grantedAt);
    this.event({ at: row.grantedAt, kind: 'consent_granted', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: row.channel, evidence: { consentId: row.id, category: row.category, frequency: row.frequency, expiresAt: new Date(row.expiresAt).toISOString(), proof: row.proof } }, row.id);
  }

  /** Inside a transaction: store a confirmed charged subscription and record it (ref = its id, the notice's). */
  private insertSubscription(sub: ChargedSubscriptionRow): void {
    this.q.insertSubscription.run(sub.id, sub.serviceId, sub.contentProviderId, sub.msisdn, sub.startedAt, JSON.stringify(sub.proof));
    this.event({ at: sub.startedAt, kind: 'charged_subscription_started', contentProviderId: sub.contentProviderId, msisdn: sub.msisdn, channel: 'sms', evidence: { subscriptionId: sub.id, serviceId: sub.serviceId, proof: sub.proof } }, sub.id);
  }

  /** Inside a transaction: ends the relationship when no live consent is left (or `force`). */
  private maybeEndRelationship(cpId: string, msisdn: string, at: number, reason: string, force = false): void {
    if (!this.q.openRelationship.get(cpId, msisdn)) return;
    if (!force && (this.q.liveConsents.get(cpId, msisdn, at) as { n: number }).n > 0) return;
    this.q.endRelationship.run(at, reason, cpId, msisdn);
    this.event({ at, kind: 'relationship_ended', contentProviderId: cpId, msisdn, channel: 'system', evidence: { reason } }, null);
  }

  async grantConsent(row: ConsentRow): Promise<void> {
    this.db.transaction(() => this.insertConsent(row))();
  }

  async getConsent(id: string): Promise<ConsentRow | null> {
    const r = this.db.prepare('SELECT * FROM consents WHERE id = ?').get(id) as ConsentDb | undefined;
    return r ? toConsentRow(r) : null;
  }

  async withdrawConsent(id: string, contentProviderId: string, at: number, channel: string, proof?: Record<string, unknown>): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT * FROM consents WHERE id = ? AND content_provider_id = ? AND withdrawn_at IS NULL').get(id, contentProviderId) as ConsentDb | undefined;
      if (!r) return false;
      this.db.prepare('UPDATE consents SET withdrawn_at = ?, withdrawn_by_user = ? WHERE id = ?').run(at, proof !== undefined ? 1 : 0, id);
      this.event({ at, kind: 'consent_withdrawn', contentProviderId, msisdn: r.msisdn, channel, evidence: proof ? { consentId: id, category: r.category, proof } : { consentId: id, category: r.category } }, id);
      this.maybeEndRelationship(contentProviderId, r.msisdn, at, 'last_consent_withdrawn');
      return true;
    })();
  }

  /**
   * Inside a transaction: the opt-out itself, its per-signature row, pending requests refused,
   * relationship ended. An opt-out that ends the relationship (the whole provider) also withdraws the
   * live consents, each with its own `consent_withdrawn` record: the refusal supersedes what the user
   * agreed before it, so after a lift only consents given later count (docs/CONSENT.md, "Refusal").
   * Done here, once, rather than in the decision's facts: the hot path reads `withdrawn_at` already.
   * A per-signature opt-out leaves them: they still carry the provider's other signatures.
   */
  private applyOptOut(cpId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, opts: OptOutOptions, skipRequest?: string): void {
    const ends = opts.endsRelationship ?? true;
    this.q.insertOptOut.run(cpId, msisdn, at);
    this.q.insertOptOutSig.run(cpId, msisdn, opts.signature ?? '*', at);
    this.event({ at, kind: 'opt_out', contentProviderId: cpId, msisdn, channel, evidence: { ...evidence, signature: opts.signature ?? null } }, null);
    if (ends) {
      for (const c of this.q.liveOfNumber.all(cpId, msisdn, at) as { id: string; category: string }[]) {
        this.q.withdraw.run(at, c.id);
        this.event({ at, kind: 'consent_withdrawn', contentProviderId: cpId, msisdn, channel, evidence: { consentId: c.id, category: c.category, reason: 'opt_out' } }, c.id);
      }
    }
    for (const p of this.q.pendingOfProvider.all(cpId, msisdn) as RequestDb[]) {
      if (p.id === skipRequest) continue;
      this.q.resolve.run('refused', at, null, p.id);
      this.event({ at, kind: 'consent_refused', contentProviderId: cpId, msisdn, channel, evidence: { requestId: p.id, category: p.category, reason: 'opt_out' } }, p.id);
    }
    // Whatever the opt-out's scope: the user refused the provider, so it charges them for nothing more (rule 8).
    for (const sub of this.q.liveSubscriptionsOf.all(cpId, msisdn) as ChargedSubscriptionDb[]) this.endSubscription(toChargedSubscription(sub), at, channel, 'opt_out', {});
    if (ends) this.maybeEndRelationship(cpId, msisdn, at, 'opt_out', true);
  }

  /** Inside a transaction: ends one live charged subscription, recorded under its id. */
  private endSubscription(sub: ChargedSubscriptionRow, at: number, channel: string, reason: string, evidence: Record<string, unknown>): void {
    this.q.endSubscription.run(at, reason, sub.id);
    this.event({ at, kind: 'charged_subscription_ended', contentProviderId: sub.contentProviderId, msisdn: sub.msisdn, channel, evidence: { subscriptionId: sub.id, serviceId: sub.serviceId, reason, ...evidence } }, sub.id);
  }

  async addChargedService(row: ChargedServiceRow): Promise<void> {
    this.q.insertService.run(row.id, row.contentProviderId, row.name, row.port, row.tariff.amountFen, row.tariff.per, row.createdAt);
  }

  async getChargedService(id: string): Promise<ChargedServiceRow | null> {
    const r = this.q.service.get(id) as ChargedServiceDb | undefined;
    return r ? toChargedService(r) : null;
  }

  async listChargedServices(contentProviderId?: string): Promise<ChargedServiceRow[]> {
    const rows = (contentProviderId === undefined ? this.q.services.all() : this.q.servicesOf.all(contentProviderId)) as ChargedServiceDb[];
    return rows.map(toChargedService);
  }

  async activeChargedSubscription(serviceId: string, msisdn: string): Promise<ChargedSubscriptionRow | null> {
    const r = this.q.liveSubscription.get(serviceId, msisdn) as ChargedSubscriptionDb | undefined;
    return r ? toChargedSubscription(r) : null;
  }

  async listChargedSubscriptions(serviceId: string, q: ChargedSubscriptionQuery): Promise<ChargedSubscriptionRow[]> {
    const past = keysetLowerBound(q.after, q.from);
    return (this.q.subscriptionsOf.all(serviceId, past.at, past.id, q.to ?? Number.MAX_SAFE_INTEGER, q.limit) as ChargedSubscriptionDb[]).map(toChargedSubscription);
  }

  async endChargedSubscription(serviceId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.q.liveSubscription.get(serviceId, msisdn) as ChargedSubscriptionDb | undefined;
      if (!r) return false;
      this.endSubscription(toChargedSubscription(r), at, channel, 'unsubscribed', evidence);
      return true;
    })();
  }

  async optOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, opts: OptOutOptions = {}): Promise<void> {
    this.db.transaction(() => {
      if (opts.mo) this.appendMo(opts.mo);
      this.applyOptOut(contentProviderId, msisdn, at, channel, evidence, opts);
    })();
  }

  /** Inside a transaction: an MO's record and, when its provider is told of it, its `mo` callback. */
  private appendMo(mo: MoRecord): void {
    this.records.append(moRecordRow(mo));
    if (toldMo(mo) && this.callbacks.targets.wantsMo(mo.contentProviderId)) this.callbacks.queueInTransaction([moCallbackRow(mo.contentProviderId, mo)]);
  }

  async isOptedOut(contentProviderId: string, msisdn: string): Promise<boolean> {
    return this.q.optedOut.get(contentProviderId, msisdn) !== undefined;
  }

  async liftOptOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, mo?: MoRecord): Promise<boolean> {
    return this.db.transaction(() => {
      const n = this.q.liftOptOut.run(contentProviderId, msisdn).changes + this.q.liftOptOutSigs.run(contentProviderId, msisdn).changes;
      if (n === 0) return false;
      if (mo) this.appendMo(mo);
      this.event({ at, kind: 'opt_in', contentProviderId, msisdn, channel, evidence }, null);
      return true;
    })();
  }

  async addDnd(msisdns: string[], at: number, actor: string, source: string): Promise<number> {
    return this.db.transaction(() => {
      const ins = this.db.prepare('INSERT INTO dnd (msisdn, at, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      let added = 0;
      for (const m of msisdns) {
        if (ins.run(m, at, source).changes > 0) {
          added++;
          this.event({ at, kind: 'dnd_added', contentProviderId: null, msisdn: m, channel: 'admin', evidence: { actor, source } }, null);
        }
      }
      return added;
    })();
  }

  async dndEntry(msisdn: string): Promise<DndEntry | null> {
    const r = this.q.dnd.get(msisdn) as { at: number; source: string } | undefined;
    return r ? { msisdn, at: r.at, source: r.source } : null;
  }

  async listDnd(q: DndQuery): Promise<DndEntry[]> {
    const past = keysetLowerBound(q.after, undefined);
    return this.q.dndPage.all(past.at, past.id, q.limit) as DndEntry[];
  }

  async removeDnd(msisdn: string, at: number, actor: string, reason: string): Promise<DndEntry | null> {
    return this.db.transaction(() => {
      const r = this.q.removeDnd.get(msisdn) as { at: number; source: string } | undefined;
      if (!r) return null;
      const facts = { actor, reason, source: r.source, listedAt: new Date(r.at).toISOString() };
      // the import's record's counterpart (dnd_added), then the operator's act, as both adapters write them
      this.event({ at, kind: 'dnd_removed', contentProviderId: null, msisdn, channel: 'admin', evidence: facts }, null);
      this.records.append({
        id: `aud_dnd_${at.toString(36)}_${process.pid.toString(36)}_${(this.seq++).toString(36)}`, at, kind: 'audit', contentProviderId: null, msisdn, ref: null,
        body: { action: 'dnd.remove' satisfies AuditAction, msisdn, ...facts },
      });
      return { msisdn, at: r.at, source: r.source };
    })();
  }

  async subscriptionEvents(msisdn: string, contentProviderId?: string): Promise<SubscriptionEvent[]> {
    const recs = contentProviderId ? this.records.subscriptionRecords(msisdn, contentProviderId) : this.records.byMsisdn(msisdn, 'subscription');
    return recs.map(toEvent);
  }

  async openConsentRequest(row: ConsentRequestRow, check: (facts: ConsentRequestFacts) => void): Promise<void> {
    this.db.transaction(() => {
      const pending = this.q.pendingFor.get(row.contentProviderId, row.msisdn) as RequestDb | undefined;
      check({
        optedOut: this.q.optedOut.get(row.contentProviderId, row.msisdn) !== undefined,
        dnd: this.q.dnd.get(row.msisdn) !== undefined,
        pending: pending ? toRequest(pending) : null,
        refused: (this.q.refused.all(row.contentProviderId, row.msisdn) as RequestDb[]).map(toRequest),
        withdrawnByUser: this.q.withdrawnByUser.all(row.contentProviderId, row.msisdn) as { id: string; category: string; withdrawnAt: number }[],
        grantedWithProof: toGrantsWithProof(this.q.grantedWithProof.all(row.contentProviderId, row.msisdn) as { id: string; category: string; granted_at: number; proof: string }[]),
        ...(row.chargedServiceId !== undefined ? { chargedActive: this.q.liveSubscription.get(row.chargedServiceId, row.msisdn) !== undefined } : {}),
      });
      this.q.insertRequest.run(row.id, row.contentProviderId, row.msisdn, row.port, row.category, row.frequency.count, row.frequency.per, row.durationDays, row.text, row.messageId, row.createdAt, row.deadlineAt, row.profile, row.chargedServiceId ?? null);
      this.event({
        at: row.createdAt, kind: 'consent_requested', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: 'sms',
        evidence: requestEvidence(row),
      }, row.id);
    })();
  }

  async markConsentRequestSent(id: string): Promise<void> {
    this.q.markSent.run(id);
  }

  async unsentConsentRequests(limit: number): Promise<ConsentRequestRow[]> {
    return (this.q.unsent.all(limit) as RequestDb[]).map(toRequest);
  }

  async getConsentRequest(id: string): Promise<{ request: ConsentRequestRow; history: SubscriptionEvent[] } | null> {
    const r = this.q.request.get(id) as RequestDb | undefined;
    if (!r) return null;
    const own = this.records.byRef(id);
    const grant = r.consent_id ? this.records.byRef(r.consent_id) : [];
    const history = [...own, ...grant].filter((x) => x.kind === 'subscription').sort((a, b) => a.seq - b.seq).map(toEvent);
    return { request: toRequest(r), history };
  }

  async pendingConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null> {
    const r = this.q.pendingAtPort.get(msisdn, port) as RequestDb | undefined;
    return r ? toRequest(r) : null;
  }

  async resolveConsentRequest(id: string, res: ConsentRequestResolution): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.q.request.get(id) as RequestDb | undefined;
      if (!r || r.status !== 'pending') return false;
      this.q.resolve.run(res.status, res.at, res.consent?.id ?? null, id);
      const kind: SubscriptionEvent['kind'] =
        res.status === 'granted' ? 'consent_granted' : res.status === 'refused' ? 'consent_refused' : res.status === 'deemed_refused' ? 'consent_deemed_refused' : 'consent_request_lapsed';
      if (res.status !== 'granted') {
        this.event({ at: res.at, kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: res.channel, evidence: { requestId: id, category: r.category, ...res.evidence } }, id);
      }
      // The grant's record is the consent's own (ref = consent id; its proof names the request).
      if (res.consent) this.insertConsent(res.consent);
      if (res.chargedSubscription) this.insertSubscription(res.chargedSubscription);
      if (res.optOut) {
        this.applyOptOut(r.content_provider_id, r.msisdn, res.at, res.channel, res.optOut.evidence, { signature: res.optOut.signature, endsRelationship: res.optOut.endsRelationship }, id);
      }
      if (res.mo) this.appendMo(res.mo);
      return true;
    })();
  }

  async latestConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null> {
    const r = this.q.latestAtPort.get(msisdn, port) as RequestDb | undefined;
    return r ? toRequest(r) : null;
  }

  async answerLateConsentReply(id: string, a: { at: number; channel: string; evidence: Record<string, unknown>; mo: MoRecord }): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.q.markLateReply.run(a.at, id).changes === 0) return false;
      const r = this.q.request.get(id) as RequestDb;
      this.event({ at: a.at, kind: 'consent_reply', contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: a.channel, evidence: { requestId: id, ...a.evidence } }, id);
      this.appendMo(a.mo);
      return true;
    })();
  }

  async noteConsentReply(id: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<void> {
    const r = this.q.request.get(id) as RequestDb | undefined;
    if (!r) return;
    this.event({ at, kind: 'consent_reply', contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel, evidence: { requestId: id, ...evidence } }, id);
  }

  async dueConsentRequests(now: number, limit: number): Promise<ConsentRequestRow[]> {
    return (this.q.due.all(now, limit) as RequestDb[]).map(toRequest);
  }

  async recordConsentExpiries(now: number, limit: number): Promise<number> {
    return this.db.transaction(() => {
      const rows = this.q.expiring.all(now, limit) as ConsentDb[];
      for (const r of rows) {
        this.q.markExpired.run(r.id);
        this.event({ at: r.expires_at, kind: 'consent_expired', contentProviderId: r.content_provider_id, msisdn: r.msisdn, channel: 'system', evidence: { consentId: r.id, category: r.category } }, r.id);
        this.maybeEndRelationship(r.content_provider_id, r.msisdn, r.expires_at, 'last_consent_expired');
      }
      return rows.length;
    })();
  }

  async lastSignatureSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null> {
    return lastSignatureIn(this.records.byMsisdn(msisdn, 'mt'), contentProviderId, port);
  }

  async lastMessageSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null> {
    return lastMessageIdIn(this.records.byMsisdn(msisdn, 'mt'), contentProviderId, port);
  }

  async carryFrequencyCount(q: { messageId: string; contentProviderId: string; msisdn: string; category: string; countedAt: number; sendAt: number; period: FrequencyPeriod; limit: number }): Promise<{ outcome: 'carried' | 'exceeded' | 'absent'; used: number }> {
    const carry = (this.carry ??= {
      where: this.db.prepare('SELECT counted_at FROM message_status WHERE id = ?').pluck(),
      mark: this.db.prepare('UPDATE message_status SET counted_at = ? WHERE id = ?'),
      find: this.db.prepare("SELECT rowid FROM sends WHERE content_provider_id = ? AND msisdn = ? AND type = 'commercial' AND category = ? AND at = ? LIMIT 1").pluck(),
      used: this.db.prepare("SELECT count(*) FROM sends WHERE content_provider_id = ? AND msisdn = ? AND type = 'commercial' AND category = ? AND at >= ? AND at < ?").pluck(),
      move: this.db.prepare('UPDATE sends SET at = ? WHERE rowid = ?'),
      drop: this.db.prepare('DELETE FROM sends WHERE rowid = ?'),
    });
    return this.db.transaction(() => {
      // Where the count stands: where an earlier carry left it, else where it was taken.
      const at = (carry.where.get(q.messageId) as number | null | undefined) ?? q.countedAt;
      const used = carry.used.get(q.contentProviderId, q.msisdn, q.category, q.period.from, q.period.to) as number;
      if (at >= q.period.from) return { outcome: 'absent' as const, used };
      const row = carry.find.get(q.contentProviderId, q.msisdn, q.category, at) as number | undefined;
      if (row === undefined) return { outcome: 'absent' as const, used };
      if (used >= q.limit) {
        carry.drop.run(row);
        return { outcome: 'exceeded' as const, used };
      }
      carry.move.run(q.sendAt, row);
      carry.mark.run(q.sendAt, q.messageId);
      return { outcome: 'carried' as const, used };
    })();
  }

  private carry?: Record<'where' | 'mark' | 'find' | 'used' | 'move' | 'drop', Statement>;

  private facts: CommercialFactsReader | null = null;

  /** ConsentStore.sendTimeFacts: the decision's own facts statement (commercial-facts.ts), per message, in one read transaction. */
  async sendTimeFacts(items: readonly { contentProviderId: string; msisdn: string; category: string }[], now: number): Promise<SendTimeFacts[]> {
    if (items.length === 0) return [];
    const r = (this.facts ??= new CommercialFactsReader(this.db));
    return this.db.transaction(() => items.map((i) => sendTimeFactsOf(r.read(i.contentProviderId, i.msisdn, i.category, now))))();
  }

  /** ConsentStore.liveChargedSubscriptions: one indexed look-up per message, in one read transaction. */
  async liveChargedSubscriptions(items: readonly { serviceId: string; contentProviderId: string; msisdn: string }[]): Promise<(string | null)[]> {
    if (items.length === 0) return [];
    return this.db.transaction(() => items.map((i) => (this.q.liveChargeOf.get(i.serviceId, i.msisdn, i.contentProviderId) as string | undefined) ?? null))();
  }

  async subscriber(msisdn: string, contentProviderId?: string): Promise<SubscriberData> {
    const cp = contentProviderId ?? null;
    const where = cp ? 'msisdn = ? AND content_provider_id = ?' : 'msisdn = ?';
    const args = cp ? [msisdn, cp] : [msisdn];
    const consents = (this.db.prepare(`SELECT * FROM consents WHERE ${where} ORDER BY granted_at`).all(...args) as ConsentDb[]).map(toConsentRow);
    const requests = (this.db.prepare(`SELECT * FROM consent_requests WHERE ${where} ORDER BY created_at`).all(...args) as RequestDb[]).map(toRequest);
    const opt = this.db.prepare(`SELECT content_provider_id, msisdn, at FROM optouts WHERE ${where} ORDER BY at`).all(...args) as { content_provider_id: string; at: number }[];
    const sigs = this.db.prepare(`SELECT content_provider_id, signature FROM optout_signatures WHERE ${where} ORDER BY at`).all(...args) as { content_provider_id: string; signature: string }[];
    const rel = this.db.prepare(`SELECT * FROM subscription_relationships WHERE ${where} ORDER BY started_at`).all(...args) as { content_provider_id: string; msisdn: string; started_at: number; ended_at: number | null; end_reason: string | null }[];
    const dnd = this.q.dnd.get(msisdn) as { at: number; source: string } | undefined;
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
