/**
 * Content governance use cases (docs/CONTENT.md): template submission and review, signature review,
 * per-provider content settings, and the early-warning monitor wired to the app's events.
 *
 * The monitor and action book are in memory (pure, src/content/early-warning.ts) and fed by:
 * - the `decision` event (every judged message: accepted or rejected, per provider, and per port when
 *   the event carries `from`);
 * - the content stage's observations (prohibited hits, commercial scores), through {@link observe};
 * - opt-out replies, through an MO observer that never claims the MO ({@link optOutObserver});
 * - the `complaint` event (cases created).
 * Every alert and every automatic action is persisted with its figures; actions in force are restored
 * at start-up, and an operator lifts them through {@link liftAction}.
 *
 * With several gateway processes on one store, {@link share} makes the monitor judge the deployment's
 * counts (src/app/monitor-share.ts): an alert is then raised by one process per rule, key and window
 * (a claim in the store), which applies its action; the others take the action, and its lifting,
 * from the store at their next round ({@link syncActions}).
 *
 * Baselines are kept in the store across restarts ({@link saveBaselines}, {@link restoreBaselines};
 * src/app/baseline-keeper.ts saves them every minute), and an operator resets a key's baseline to
 * accept a new normal volume ({@link resetBaseline}; other processes apply it at their next round,
 * {@link applyBaselineResets}).
 */
import { decodeKeysetCursor, keysetPage } from '../domain/page-cursor.js';
import { SmsguardError, type Why } from '../domain/errors.js';
import { optionalReason, plainText, storableText } from './validate.js';
import { isMessageType } from '../domain/message-type.js';
import { signatureFault } from '../domain/signature.js';
import { refuseLookalike } from './signature-lookalike.js';
import type { AlertRow, ContentSettingsRow, ContentStore, ReviewStatus, TemplateRow } from '../ports/content.js';
import { checkTemplate, compileTemplates } from '../content/templates.js';
import type { TemplateMode, TemplateRegistry } from '../content/template-registry.js';
import { EarlyWarningMonitor, type ActionBook, type ActionRecord, type Alert, type BaselineState, type EarlyWarningPolicy, type MonitorEvent, type Scope } from '../content/early-warning.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { portForMo, type MoHandler } from './receive-mo.js';
import { ownFilter, requireOwnerOrAdmin, requireRole, requireRoleIn, ROLES, OWN_DATA_REF } from './access.js';
import { linkDomainFault } from '../domain/link-domain.js';
import { refusalMatch } from './opt-out-keywords.js';
import { refusalPhrases } from './consent-settings.js';
import { inDateRange, isScopedRegulator, providersInProvince } from './records-scope.js';
import { mustBeFilterAccount } from './known-provider.js';

/** A key as the monitor sees it now: its window's figures (with the baseline) and its last reset. */
export interface BaselineView {
  scope: Scope;
  key: string;
  contentProviderId: string;
  figures: Record<string, number>;
  /** When an operator last reset the key's baseline (app-clock ms), or null. */
  resetAt: number | null;
}

const MODES: readonly TemplateMode[] = ['required', 'preferred', 'off'];

const installed = new WeakMap<AppContext, ContentGovernance>();

/**
 * The content governance installed in an app (see installContentGovernance), or null when the app
 * runs without it (e.g. a store with no content adapter): complaints use it to make measures act.
 */
export function contentGovernanceOf(ctx: AppContext): ContentGovernance | null {
  return installed.get(ctx) ?? null;
}

/** Registers `gov` as the app's content governance (called by installContentGovernance). */
export function registerContentGovernance(ctx: AppContext, gov: ContentGovernance): void {
  installed.set(ctx, gov);
}

function str(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim() || v.length > max) {
    // the pages say which of the three it was, in their language (a blank reason asks for one)
    const why: Why = typeof v !== 'string' ? { id: 'not_text' } : v.length > max ? { id: 'too_long', params: { max } } : field === 'reason' ? { id: 'reason_required' } : { id: 'too_short', params: { min: 1 } };
    throw new SmsguardError('invalid_request', `${field}: a non-empty string of at most ${max} characters`, {}, field, why);
  }
  return storableText(v, field);
}

function decision(body: Record<string, unknown>): { status: 'approved' | 'rejected'; reason: string | null } {
  const d = body?.decision;
  if (d !== 'approve' && d !== 'reject') throw new SmsguardError('invalid_request', 'decision: approve or reject', {}, 'decision');
  const reason = body.reason === undefined || body.reason === null ? null : plainText(str(body.reason, 'reason', 1000), 'reason', 'text').trim();
  if (d === 'reject' && !reason) throw new SmsguardError('invalid_request', 'reason: required when rejecting', {}, 'reason', { id: 'reason_required' });
  return { status: d === 'approve' ? 'approved' : 'rejected', reason };
}

export interface ContentGovernanceDeps {
  store: ContentStore;
  templates: TemplateRegistry;
  actions: ActionBook;
  policy: EarlyWarningPolicy;
  /** Called for every alert (e.g. a Prometheus counter). */
  onAlert?: (a: AlertRow) => void;
}

export class ContentGovernance {
  readonly monitor: EarlyWarningMonitor;
  /** Called for every alert raised (the composition root hangs a Prometheus counter here). */
  onAlert: ((a: AlertRow) => void) | undefined;
  private pending: Promise<unknown> = Promise.resolve();
  /** Shared counts: claims an alert for the deployment (true: this process raises it). */
  private claim: ((a: Alert) => Promise<boolean>) | null = null;
  /**
   * Actions applied here that the store's list of actions in force has not shown yet: {@link syncActions}
   * must not take them for lifted (a list read while one was being stored may lack it).
   */
  private readonly unsaved = new Set<string>();
  /** The newest baseline reset read from the store ({@link applyBaselineResets}). */
  private resetsSeen = 0;
  /**
   * Each key's baseline as this process last wrote it to the store, or read it at start
   * ({@link saveBaselines} writes only the keys whose baseline differs): a gateway with thousands of
   * providers and ports, most of them idle in any minute, rewrote every row every minute.
   */
  private readonly baselinesKept: Record<Scope, Map<string, BaselineState>> = { provider: new Map(), port: new Map() };

  /** Per provider, what its compiled templates were made from ({@link templatesFingerprint}). */
  private readonly compiledFrom = new Map<string, string>();

  constructor(private readonly ctx: AppContext, private readonly deps: ContentGovernanceDeps) {
    this.monitor = new EarlyWarningMonitor(deps.policy);
    this.onAlert = deps.onAlert;
  }

  get actions(): ActionBook {
    return this.deps.actions;
  }

  /** Load settings, approved templates and actions in force; subscribe to the app's events. */
  async init(): Promise<void> {
    for (const s of await this.deps.store.listSettings()) await this.refresh(s.contentProviderId);
    const approved = await this.deps.store.listTemplates({ status: 'approved' });
    for (const cp of new Set(approved.map((t) => t.contentProviderId))) await this.refresh(cp);
    for (const a of await this.deps.store.listActions(true)) this.deps.actions.restore(a);
    await this.restoreBaselines();
    this.ctx.events.on('decision', (d) => {
      const port = d.from;
      // A held message is not a rejection: counting it as one would trip the rejection-rate rule and
      // escalate the provider's own hold into a suspension.
      if (d.contentProviderId) this.observe({ kind: 'submission', at: this.ctx.clock.now(), contentProviderId: d.contentProviderId, port, accepted: d.accepted || d.code === 'held_for_review' });
    });
    // A refused replacement is a refused submission to the rejection rate (an accepted one is no new
    // message: counted, it would dilute the rate); its content stage reports prohibited hits itself.
    this.ctx.events.on('replacementDecided', (d) => {
      if (d.contentProviderId && !d.accepted && d.code !== 'held_for_review') this.observe({ kind: 'submission', at: this.ctx.clock.now(), contentProviderId: d.contentProviderId, port: d.from, accepted: false });
    });
    this.ctx.events.on('complaint', (c) => {
      if (c.action === 'created' && c.contentProviderId) this.observe({ kind: 'complaint', at: c.at, contentProviderId: c.contentProviderId, complainant: c.complainant });
    });
  }

  /** Observation sink for the content stages and the events above. Persistence runs in order, off the message path. */
  observe = (ev: MonitorEvent): void => {
    const alerts = this.monitor.observe(ev);
    for (const a of alerts) this.raise(a);
  };

  /**
   * MO observer: counts refusals for the opt-out rate; never claims the MO (returns null). A refusal
   * is what opts the user out (src/app/receive-mo.ts): a keyword or a refusal phrase, the defaults and
   * the operator's list as it stands (`PUT /v1/refusal-phrases`); keywords alone left `别再发了`,
   * `STOP` and the operator's phrases out of the rate. Counted on the registered port the reply
   * reached, also through an extension of it (扩展码), which is the port's key in the monitor.
   */
  optOutObserver: MoHandler = async (ctx, mo) => {
    if (mo.contentProviderId && refusalMatch(mo.text, ctx.profile.params.optOutKeywords.value, await refusalPhrases(ctx))) {
      const port = (await portForMo(ctx, mo.to))?.number ?? mo.to;
      this.observe({ kind: 'opt_out', at: mo.at, contentProviderId: mo.contentProviderId, port });
    }
    return null;
  };

  /**
   * Judge the deployment's traffic (several processes on one store): the monitor adds the other
   * processes' counts (src/app/monitor-share.ts), and an alert is raised only once `claim` says this
   * process is the one raising it for its window; only then is its action applied here and stored.
   * Called before the first message.
   */
  share(claim: (a: Alert) => Promise<boolean>): void {
    this.claim = claim;
    this.monitor.share();
  }

  /** Raises alerts the monitor found outside {@link observe} (on merging the other processes' counts). */
  raiseAll(alerts: readonly Alert[]): void {
    for (const a of alerts) this.raise(a);
  }

  /**
   * Shared counts: makes the action book agree with the actions in force in the store, `inForce`
   * (read by the caller): an action another process placed is applied here, one lifted elsewhere is
   * lifted here. Actions applied here and not yet stored are left alone.
   */
  syncActions(inForce: readonly ActionRecord[], now: number): void {
    const ids = new Set<string>();
    for (const a of inForce) {
      ids.add(a.id);
      if (!this.deps.actions.has(a.id)) this.deps.actions.restore(a);
    }
    for (const a of this.deps.actions.list()) {
      if (a.liftedAt !== undefined || ids.has(a.id)) {
        this.unsaved.delete(a.id);
        continue;
      }
      if (!this.unsaved.has(a.id)) this.deps.actions.lift(a.id, 'another gateway process', now);
    }
  }

  /** The actions in force as stored (shared counts: read at every round). */
  storedActions(): Promise<ActionRecord[]> {
    return this.deps.store.listActions(true);
  }

  /** Resolves once every alert and action raised so far is persisted (tests, shutdown). */
  async flush(): Promise<void> {
    await this.pending;
  }

  private raise(a: Alert): void {
    if (this.claim) return this.raiseShared(a, this.claim);
    const action = this.deps.actions.apply(a);
    const row: AlertRow = { ...a, id: this.ctx.ids.next('alert'), actionId: action?.id ?? null };
    this.onAlert?.(row);
    this.pending = this.pending
      .then(async () => {
        if (action) await this.deps.store.addAction(action);
        await this.deps.store.addAlert(row);
        if (action) await this.auditPlaced(action, row);
      })
      .catch((e: Error) => this.ctx.events.emit('workerError', { where: 'early-warning', message: e.message }));
  }

  /**
   * Shared counts: the alert is claimed first (one process raises it for the deployment); the winner
   * applies its action and stores both, the others drop it (their action comes from the store).
   */
  private raiseShared(a: Alert, claim: (a: Alert) => Promise<boolean>): void {
    this.pending = this.pending
      .then(async () => {
        if (!(await claim(a))) return;
        const action = this.deps.actions.apply(a);
        const row: AlertRow = { ...a, id: this.ctx.ids.next('alert'), actionId: action?.id ?? null };
        this.onAlert?.(row);
        if (action) {
          this.unsaved.add(action.id);
          // not stored: the next sync lifts it here, as it is in force nowhere else
          await this.deps.store.addAction(action).catch((e: Error) => {
            this.unsaved.delete(action.id);
            throw e;
          });
        }
        await this.deps.store.addAlert(row);
        if (action) await this.auditPlaced(action, row);
      })
      .catch((e: Error) => this.ctx.events.emit('workerError', { where: 'early-warning', message: e.message }));
  }

  /**
   * The monitor's own action in the audit trail, as an operator's placed one (`placeAction`) and
   * every lift are: a throttle, hold or suspension stops a sender, and an inspector must find who
   * stopped it (`system`), by which rule and alert, on which figures. Only the process that won the
   * alert's claim gets here, so the deployment records it once. The throttle, hold or suspension is
   * `measure`: an `action` key in the detail would overwrite the record's own `action` (its type).
   */
  private auditPlaced(action: ActionRecord, alert: AlertRow): Promise<void> {
    return this.ctx.store.records.appendAudit(
      action.at, 'system', 'early_warning.place',
      { actionId: action.id, contentProviderId: action.contentProviderId, scope: action.scope, key: action.key, measure: action.action, rule: action.rule, alertId: alert.id, figures: action.figures },
      { contentProviderId: action.contentProviderId },
    );
  }

  private async refresh(cpId: string): Promise<void> {
    const settings = await this.deps.store.getSettings(cpId);
    const approved = await this.deps.store.listTemplates({ contentProviderId: cpId, status: 'approved' });
    this.compile(cpId, settings ?? undefined, approved);
  }

  /** A provider's templates into the registry, and what they were compiled from (see {@link syncTemplates}). */
  private compile(cpId: string, settings: ContentSettingsRow | undefined, approved: readonly TemplateRow[]): void {
    this.compiledFrom.set(cpId, templatesFingerprint(settings, approved));
    this.deps.templates.set(cpId, settings?.templates ?? 'off', approved.map((t) => ({ id: t.id, signature: t.signature, body: t.body, type: t.type })), settings?.linkDomains ?? []);
  }

  /**
   * Brings every provider's compiled templates up to the store: the settings and approved templates
   * another process changed (several processes on one PostgreSQL store, docs/CONTENT.md). Only the
   * providers whose settings or set of approved templates differ from what was compiled here are
   * recompiled. Returns how many were. Run every 10 s by src/app/template-sync.ts, off the message path.
   */
  async syncTemplates(): Promise<number> {
    const [settings, approved] = await Promise.all([this.deps.store.listSettings(), this.deps.store.listTemplates({ status: 'approved' })]);
    const bySettings = new Map(settings.map((s) => [s.contentProviderId, s]));
    const byProvider = new Map<string, TemplateRow[]>();
    for (const t of approved) {
      const list = byProvider.get(t.contentProviderId);
      if (list) list.push(t);
      else byProvider.set(t.contentProviderId, [t]);
    }
    // every provider the store or this process knows of: one whose last template was rejected elsewhere too
    const ids = new Set([...bySettings.keys(), ...byProvider.keys(), ...this.compiledFrom.keys()]);
    let changed = 0;
    for (const cpId of ids) {
      const s = bySettings.get(cpId);
      const list = byProvider.get(cpId) ?? [];
      if (this.compiledFrom.get(cpId) === templatesFingerprint(s, list)) continue;
      this.compile(cpId, s, list);
      changed++;
    }
    return changed;
  }

  // ---- templates

  /** Submit a template; machine checks run at once and every violation is returned together. */
  async submitTemplate(p: Principal, body: Record<string, unknown>): Promise<TemplateRow> {
    requireRoleIn(p, ROLES.submitTemplate);
    // A provider files only its own (naming another's id is refused, not quietly filed as its own)
    if (p.role === 'content-provider' && body?.contentProviderId !== undefined && body.contentProviderId !== p.contentProviderId) {
      throw new SmsguardError('forbidden', 'contentProviderId: a content provider submits templates for itself only', OWN_DATA_REF, 'contentProviderId');
    }
    const cpId = p.role === 'content-provider' ? p.contentProviderId : str(body?.contentProviderId, 'contentProviderId', 64);
    if (!(await this.ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`, {}, 'contentProviderId');
    const signature = plainText(str(body?.signature, 'signature', 40), 'signature', 'line').trim();
    const fault = signatureFault(signature);
    if (fault !== null) throw new SmsguardError('invalid_request', `signature: ${fault}`, {}, 'signature');
    if (!isMessageType(body.type)) throw new SmsguardError('invalid_request', 'type: verification, notification, commercial or public_welfare', {}, 'type');
    const text = plainText(str(body.body, 'body', 1000), 'body', 'text');
    const sigs = await this.ctx.store.directory.listSignatures(cpId);
    const settings = await this.deps.store.getSettings(cpId);
    const violations = checkTemplate(
      { signature, type: body.type, body: text },
      { approvedSignatures: new Set(sigs.filter((s) => s.status === 'approved').map((s) => s.signature)), linkDomains: settings?.linkDomains ?? [], maxBodyLength: this.ctx.profile.params.maxLength.value },
    );
    const now = this.ctx.clock.now();
    const row: TemplateRow = {
      id: this.ctx.ids.next('tpl'),
      contentProviderId: cpId,
      signature,
      type: body.type,
      body: text,
      // machine rules come first: a template that breaks one never reaches an operator
      status: violations.length ? 'rejected' : 'pending',
      violations,
      reason: violations.length ? 'machine checks failed' : null,
      createdAt: now,
      reviewedAt: violations.length ? now : null,
      reviewedBy: violations.length ? 'system' : null,
    };
    await this.deps.store.addTemplate(row);
    await this.ctx.store.records.appendAudit(now, p.actorId, 'template.submit', { templateId: row.id, contentProviderId: cpId, status: row.status, violations: violations.map((v) => v.rule) }, { contentProviderId: cpId });
    return row;
  }

  async reviewTemplate(p: Principal, id: string, body: Record<string, unknown>): Promise<TemplateRow> {
    requireRoleIn(p, ROLES.reviewTemplate);
    const { status, reason } = decision(body);
    const t = await this.deps.store.getTemplate(id);
    if (!t) throw new SmsguardError('not_found', `no template ${id}`, {}, undefined, { id: 'template_not_found', params: { id } });
    if (status === 'approved' && t.violations.length) throw new SmsguardError('conflict', `template ${id} fails machine checks (${t.violations.map((v) => v.rule).join(', ')}) and cannot be approved`);
    const now = this.ctx.clock.now();
    const r = (await this.deps.store.reviewTemplate(id, status, reason, now, p.actorId))!;
    await this.ctx.store.records.appendAudit(now, p.actorId, 'template.review', { templateId: id, status, reason }, { contentProviderId: t.contentProviderId });
    await this.refresh(t.contentProviderId);
    return r;
  }

  async getTemplate(p: Principal, id: string): Promise<TemplateRow> {
    const t = await this.deps.store.getTemplate(id);
    if (!t) throw new SmsguardError('not_found', `no template ${id}`, {}, undefined, { id: 'template_not_found', params: { id } });
    requireOwnerOrAdmin(p, t.contentProviderId);
    return t;
  }

  async listTemplates(p: Principal, q: { contentProviderId?: string; status?: string }): Promise<TemplateRow[]> {
    requireRole(p, 'content-provider', 'admin');
    const status = q.status === undefined ? undefined : (['pending', 'approved', 'rejected'] as const).find((s) => s === q.status);
    if (q.status !== undefined && !status) throw new SmsguardError('invalid_request', 'status: pending, approved or rejected', {}, 'status', { id: 'template_status_unknown' });
    const cpId = ownFilter(p, q.contentProviderId);
    await mustBeFilterAccount(this.ctx, p, cpId, 'providers');
    return this.deps.store.listTemplates({ contentProviderId: cpId, status: status as ReviewStatus | undefined });
  }

  /**
   * The settings in force for a provider (the admin, or the provider itself): what was set, or the
   * defaults (`templates: off`, no link domain) with `updatedAt: null` when nothing ever was.
   */
  async getContentSettings(p: Principal, cpId: string): Promise<Omit<ContentSettingsRow, 'updatedAt'> & { updatedAt: number | null }> {
    requireOwnerOrAdmin(p, cpId);
    if (!(await this.ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`);
    const cur = await this.deps.store.getSettings(cpId);
    return cur ?? { contentProviderId: cpId, templates: 'off', linkDomains: [], updatedAt: null };
  }

  /** Operator setting per provider: `templates: required | preferred | off` and the link allow-list. */
  async setContentSettings(p: Principal, cpId: string, body: Record<string, unknown>): Promise<ContentSettingsRow> {
    requireRoleIn(p, ROLES.setContentSettings);
    if (!(await this.ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`);
    const cur = await this.deps.store.getSettings(cpId);
    const mode = body?.templates ?? cur?.templates ?? 'off';
    if (!MODES.includes(mode as TemplateMode)) throw new SmsguardError('invalid_request', 'templates: required, preferred or off', {}, 'templates');
    const domains = body?.linkDomains ?? cur?.linkDomains ?? [];
    if (!Array.isArray(domains) || domains.length > 100) throw new SmsguardError('invalid_request', 'linkDomains: up to 100 domain names like example.com', {}, 'linkDomains');
    // the entry at fault by its place, so a list of a hundred need not be searched by hand
    for (const [at, d] of domains.entries()) {
      const fault = typeof d === 'string' ? linkDomainFault(d) : 'it is not a string';
      if (fault !== null) throw new SmsguardError('invalid_request', `linkDomains/${at}: ${JSON.stringify(d)} is not a domain name like example.com (its subdomains are allowed with it): ${fault}`, {}, `linkDomains/${at}`);
    }
    const row: ContentSettingsRow = { contentProviderId: cpId, templates: mode as TemplateMode, linkDomains: [...new Set((domains as string[]).map((d) => d.toLowerCase()))], updatedAt: this.ctx.clock.now() };
    await this.deps.store.putSettings(row);
    await this.ctx.store.records.appendAudit(row.updatedAt, p.actorId, 'content.settings', { contentProviderId: cpId, templates: row.templates, linkDomains: row.linkDomains }, { contentProviderId: cpId });
    await this.refresh(cpId);
    return row;
  }

  // ---- signatures

  /** A content provider asks for a signature; it stays `pending` (and does not pass) until reviewed. */
  async submitSignature(p: Principal, body: Record<string, unknown>): Promise<{ id: string; signature: string; status: 'pending' }> {
    requireRoleIn(p, ROLES.submitSignature);
    const signature = plainText(str(body?.signature, 'signature', 40), 'signature', 'line').trim();
    const fault = signatureFault(signature);
    if (fault !== null) throw new SmsguardError('invalid_request', `signature: ${fault}`, {}, 'signature');
    await refuseLookalike(this.ctx, p.contentProviderId, signature);
    const id = this.ctx.ids.next('sig');
    const at = this.ctx.clock.now();
    // The store records the application (signature.submit, the provider as actor) in its transaction; a
    // revoked text asked for again waits for review like any other, with the earlier tenure (signature.reassign).
    await this.ctx.store.directory.addSignature({ id, contentProviderId: p.contentProviderId, signature, status: 'pending', createdAt: at }, p.actorId);
    return { id, signature, status: 'pending' };
  }

  async reviewSignature(p: Principal, id: string, body: Record<string, unknown>): Promise<{ id: string; signature: string; status: 'approved' | 'rejected' }> {
    requireRoleIn(p, ROLES.reviewSignature);
    const { status, reason } = decision(body);
    const now = this.ctx.clock.now();
    // A revoked signature stays revoked: a review would bring back what an operator took away.
    const cur = await this.ctx.store.directory.getSignature(id);
    if (cur?.revokedAt != null) throw new SmsguardError('conflict', `signature ${id} was revoked on ${new Date(cur.revokedAt).toISOString()}; a revoked signature is not reviewed again`);
    // An approved signature is taken back by revoking it: the reason is recorded (signature.revoke) and
    // what was queued under it is stopped at send time. A rejection here did neither.
    if (cur?.status === 'approved' && status === 'rejected') {
      throw new SmsguardError('conflict', `signature ${id} is approved; take it back with DELETE /v1/content-providers/${cur.contentProviderId}/signatures/${id} and a reason (queued messages under it are stopped), not a review`);
    }
    const r = await this.deps.store.reviewSignature({ id: this.ctx.ids.next('sig'), signatureId: id, contentProviderId: '', decision: status, reason, at: now, actor: p.actorId });
    if (!r) throw new SmsguardError('not_found', `no signature ${id}`);
    // The review, its log row and its record (signature.review) were one transaction. Through the
    // directory too: it caches sender facts on the message path.
    await this.ctx.store.directory.setSignatureStatus(id, status, now);
    return { id, signature: r.signature, status };
  }

  // ---- alerts and actions

  /**
   * `GET /v1/alerts`: newest first. A provider reads its own (naming another is 403, `ownFilter`). A regulator token limited to a
   * province reads only alerts about providers registered there (every alert names the provider
   * whose traffic raised it, a port alert too, so none is platform-wide), and one limited to dates
   * only alerts raised inside them; both are applied in the query (on every page), so `limit` counts
   * visible alerts. A page at a time: `nextCursor` (null on the last page) passed back as `cursor`
   * reads on past the page's last alert (keyset on its time and id: alerts raised meanwhile, newer,
   * never shift a page).
   */
  async listAlerts(p: Principal, q: { contentProviderId?: string; since?: number; limit?: number; cursor?: string }): Promise<{ alerts: AlertRow[]; nextCursor: string | null }> {
    requireRole(p, 'admin', 'regulator', 'content-provider');
    const after = q.cursor === undefined ? undefined : decodeKeysetCursor(q.cursor);
    const cpId = ownFilter(p, q.contentProviderId);
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    // an unknown id is 404; a province-limited token gets its province's alerts of it (none), as for another province's provider
    await mustBeFilterAccount(this.ctx, p, cpId, 'providers');
    const filter = p.role !== 'regulator'
      ? { contentProviderId: cpId, since: q.since, limit: limit + 1, after }
      : { contentProviderId: cpId, contentProviderIds: await providersInProvince(this.ctx, p), since: p.from === undefined ? q.since : Math.max(q.since ?? p.from, p.from), until: p.to, limit: limit + 1, after };
    const page = keysetPage(await this.deps.store.listAlerts(filter), limit, (a) => ({ at: a.at, id: a.id }));
    return { alerts: page.rows, nextCursor: page.nextCursor };
  }

  /**
   * `GET /v1/early-warning/actions`, oldest first. A regulator token limited to a province or dates
   * reads only actions on providers registered there and placed inside them (as the alerts).
   */
  async listActions(p: Principal, activeOnly: boolean): Promise<ActionRecord[]> {
    requireRole(p, 'admin', 'regulator');
    await this.flush();
    const all = await this.deps.store.listActions(activeOnly);
    if (!isScopedRegulator(p)) return all;
    const province = await providersInProvince(this.ctx, p);
    const inside = province && new Set(province);
    return all.filter((a) => (!inside || inside.has(a.contentProviderId)) && inDateRange(p, a.at));
  }

  /**
   * An action an operator places by hand (e.g. the `throttle` measure of a complaint case): it goes
   * into the action book beside the monitor's, enforced by the same admission stage and lifted the
   * same way. `rule` says where it came from (e.g. `complaint:<case id>`).
   */
  async placeAction(actorId: string, a: { contentProviderId: string; scope?: 'provider' | 'port'; key?: string; action: ActionRecord['action']; rule: string; figures?: Record<string, number> }): Promise<ActionRecord> {
    if (a.action.kind === 'alert') throw new SmsguardError('invalid_request', 'action: throttle, hold or suspend');
    const now = this.ctx.clock.now();
    const rec: ActionRecord = {
      id: this.ctx.ids.next('act'), scope: a.scope ?? 'provider', key: a.key ?? a.contentProviderId, contentProviderId: a.contentProviderId,
      action: a.action, rule: a.rule, figures: a.figures ?? {}, at: now,
    };
    await this.flush();
    await this.deps.store.addAction(rec);
    // Only once it is stored: an action in force that a restart would forget is worse than none.
    if (this.claim) this.unsaved.add(rec.id);
    this.deps.actions.restore(rec);
    await this.ctx.store.records.appendAudit(now, actorId, 'early_warning.place', { actionId: rec.id, contentProviderId: rec.contentProviderId, measure: rec.action, rule: rec.rule }, { contentProviderId: rec.contentProviderId });
    return rec;
  }

  /**
   * Rejects an approved template outside the review route (e.g. the `block_template` measure of a
   * complaint case); the template stops matching at once. Returns null, changing nothing, unless
   * `id` is an approved template of `contentProviderId`.
   */
  async blockTemplate(actorId: string, contentProviderId: string, id: string, reason: string): Promise<TemplateRow | null> {
    const t = await this.deps.store.getTemplate(id);
    if (!t || t.contentProviderId !== contentProviderId || t.status !== 'approved') return null;
    const now = this.ctx.clock.now();
    const r = await this.deps.store.reviewTemplate(id, 'rejected', reason, now, actorId);
    await this.ctx.store.records.appendAudit(now, actorId, 'template.review', { templateId: id, status: 'rejected', reason }, { contentProviderId });
    await this.refresh(t.contentProviderId);
    return r;
  }

  /** The provider's approved template a full message text matches (signature included), or null. */
  async approvedTemplateFor(contentProviderId: string, text: string): Promise<TemplateRow | null> {
    const approved = await this.deps.store.listTemplates({ contentProviderId, status: 'approved' });
    const m = compileTemplates(approved.map((t) => ({ id: t.id, signature: t.signature, body: t.body }))).match(text);
    return m ? approved.find((t) => t.id === m.templateId) ?? null : null;
  }

  /** `reason`: the operator's why, recorded with the lift's audit record. */
  async liftAction(p: Principal, id: string, reason?: string): Promise<ActionRecord> {
    requireRoleIn(p, ROLES.liftAction);
    reason = optionalReason(reason);
    await this.flush();
    const now = this.ctx.clock.now();
    const inMemory = this.deps.actions.lift(id, p.actorId, now);
    const stored = await this.deps.store.liftAction(id, now, p.actorId);
    if (!inMemory && !stored) {
      // the alert list shows both ids side by side; the one taken for the other is named for what it is
      const hint = id.startsWith('alert_') ? "; alert_… is an alert's id: lift its action, act_… (the alert's actionId)" : '';
      throw new SmsguardError('not_found', `no action in force with id ${id}${hint}`, {}, undefined, { id: 'action_not_in_force', params: { id } });
    }
    const lifted = this.deps.actions.list().find((a) => a.id === id) ?? (await this.deps.store.listActions(false)).find((a) => a.id === id)!;
    await this.ctx.store.records.appendAudit(now, p.actorId, 'early_warning.lift', { actionId: id, ...(reason ? { reason } : {}) }, { contentProviderId: lifted?.contentProviderId ?? null });
    return lifted;
  }

  /**
   * Takes back the baselines kept before this process started (keys it has not counted yet); the
   * resets they carry count as read. Returns how many keys were restored.
   */
  async restoreBaselines(): Promise<number> {
    const rows = await this.deps.store.loadBaselines();
    for (const r of rows) {
      this.resetsSeen = Math.max(this.resetsSeen, r.resetAt);
      // what the store holds already needs no writing back (a restored key saved only once it folds)
      if (r.scope === 'provider' || r.scope === 'port') this.baselinesKept[r.scope].set(r.key, r);
    }
    return this.monitor.restoreBaselines(rows, this.ctx.clock.now());
  }

  /**
   * Keeps the baselines the monitor has folded or reset since the last save (src/app/baseline-keeper.ts
   * calls it every minute and at shutdown): a key whose baseline equals the one last written, or read
   * at start, is not written again. A failed save is retried whole at the next one (nothing is marked
   * written until the store took it). A row the store refuses (older than an operator's reset this
   * process has not applied yet) counts as written: applying the reset changes the key's baseline, so
   * it is written again once it has folded after it.
   */
  async saveBaselines(): Promise<void> {
    const changed = this.monitor.baselines().filter((r) => !sameBaseline(this.baselinesKept[r.scope].get(r.key), r));
    if (!changed.length) return;
    await this.deps.store.saveBaselines(changed, this.ctx.clock.now());
    for (const r of changed) this.baselinesKept[r.scope].set(r.key, r);
  }

  /** Applies the baseline resets made by other processes since the last call (shared counts: every round). */
  async applyBaselineResets(): Promise<number> {
    let n = 0;
    for (const r of await this.deps.store.baselineResets(this.resetsSeen)) {
      if (this.monitor.applyReset(r.scope, r.key, r.at)) n++;
      this.resetsSeen = Math.max(this.resetsSeen, r.at);
    }
    return n;
  }

  /**
   * A key's window and baseline as the monitor sees them now (the operator any key; a content
   * provider the keys its own traffic made: its id and its ports).
   */
  async baselineView(p: Principal, scope: string, key: string): Promise<BaselineView> {
    requireRole(p, 'admin', 'content-provider');
    const sc = parseScope(scope);
    const info = this.monitor.keyInfo(sc, key);
    // a provider's key it did not make reads as unknown, as another provider's resource would (no hint it exists)
    if (!info || (p.role === 'content-provider' && info.contentProviderId !== p.contentProviderId)) {
      throw new SmsguardError('not_found', `the early-warning monitor has no baseline for ${sc} ${key}`, {}, undefined, { id: 'baseline_not_found', params: { scope: sc, key } });
    }
    const figures = this.monitor.snapshot(sc, key, this.ctx.clock.now())!;
    return { scope: sc, key, contentProviderId: info.contentProviderId, figures, resetAt: info.resetAt || null };
  }

  /**
   * Resets a key's baseline (admin): the operator accepts the key's current volume as its new normal
   * (a sender that grew for good). Anomalous buckets never enter a baseline on their own, so without
   * this a lasting rise keeps alerting. Kept in the store (a restart or another process does not
   * bring the old baseline back) and audited.
   */
  async resetBaseline(p: Principal, scope: string, key: string, reason?: string): Promise<BaselineView> {
    requireRoleIn(p, ROLES.resetBaseline);
    reason = optionalReason(reason);
    const sc = parseScope(scope);
    const info = this.monitor.keyInfo(sc, key);
    if (!info) throw new SmsguardError('not_found', `the early-warning monitor has no baseline for ${sc} ${key}`, {}, undefined, { id: 'baseline_not_found', params: { scope: sc, key } });
    const now = this.ctx.clock.now();
    this.monitor.resetBaseline(sc, key, now);
    await this.deps.store.resetBaseline(sc, key, info.contentProviderId, now);
    await this.ctx.store.records.appendAudit(now, p.actorId, 'early_warning.baseline_reset', { scope: sc, key, ...(reason ? { reason } : {}) }, { contentProviderId: info.contentProviderId });
    return this.baselineView(p, sc, key);
  }
}

function parseScope(scope: string): Scope {
  if (scope !== 'provider' && scope !== 'port') throw new SmsguardError('invalid_request', 'scope: provider or port', {}, 'scope');
  return scope;
}

/** Whether two kept baselines of one key are the same (every field the store keeps). */
function sameBaseline(a: BaselineState | undefined, b: BaselineState): boolean {
  return (
    a !== undefined && a.contentProviderId === b.contentProviderId && a.mean === b.mean && a.variance === b.variance && a.completed === b.completed &&
    a.scoreMean === b.scoreMean && a.scoreN === b.scoreN && a.resetAt === b.resetAt
  );
}

/**
 * What a provider's compiled templates depend on: its mode, its link allow-list and which templates
 * are approved (an approved template's text never changes; a review only changes its status).
 */
function templatesFingerprint(settings: ContentSettingsRow | undefined, approved: readonly TemplateRow[]): string {
  return JSON.stringify([settings?.templates ?? 'off', settings?.linkDomains ?? [], approved.map((t) => t.id).sort()]);
}
