/**
 * The application: every use case behind one object that the doors (HTTP, SMPP, CLI, web) share.
 * Built by src/main.ts (the only composition root) or by tests with fakes.
 */
import { DEFAULT_REVIEW_HOLD_MAX_MS } from './review-queue.js';
import type { AppContext, AllEvents } from './context.js';
import type { Channel, MessageNaming, MoInput, MoOutcome, Principal, SubmitOutcome } from './types.js';
import { Emitter } from './events.js';
import { submitMessage, submitMessages } from './submit-message.js';
import { receiveMo, type MoHandler } from './receive-mo.js';
import { addPort, addSignature, createContentProvider, updateContentProvider } from './onboarding.js';
import { HttpThroughput } from './http-throughput.js';
import { retirePort, revokeSignature } from './registry-lifecycle.js';
import { getContentProviderDetail, listContentProviders, listPorts, listProviderSignatures, portView, signatureView } from './directory-views.js';
import { grantConsent, withdrawConsent } from './consents.js';
import { getMessage, queryRecords, type RecordsFilter } from './records.js';
import { listMessages, type MessageListFilter } from './message-list.js';
import { cancelMessage } from './cancel-message.js';
import { replaceMessage, type ReplaceInput } from './replace-message.js';
import { Authenticator } from './auth.js';
import { WebSessions, type WebSessionOptions } from './web-sessions.js';
import type { Store } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Profile } from '../profiles/types.js';
import type { Detectors, Stage } from '../pipeline/types.js';
import { DEFAULT_STAGES } from '../pipeline/stages/index.js';
import { ruleBasedDetectors } from '../pipeline/ad-detector.js';
import { RandomIds } from './ids.js';
import { GroupCommit } from './group-commit.js';
import { KeysInFlight, submitMessagesOnce, type KeyedAnswer, type KeyedRequest } from './idempotency.js';
import { consentReplyHandler } from './consent-replies.js';
import { CallbackRegistry } from './callback-registry.js';
import { getCallbacks, setCallbacks } from './callbacks.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { listFailedCallbacks, retryFailedCallbacks } from './failed-callbacks.js';
import { readUsage, type UsageQuery } from './usage.js';
import { controlUpstreamLink, upstreamLinks } from './upstream-links.js';
import type { UpstreamLinkControl, UpstreamLinkSource } from '../ports/upstream-links.js';
import { Readiness } from './readiness.js';

export interface AppDeps {
  store: Store;
  clock: Clock;
  profile: Profile;
  ids?: IdGenerator;
  stages?: readonly Stage[];
  detectors?: Detectors;
  /** The longest a message waits in the review queue without its own validity (`--review-hold-max`); default 72 h. */
  reviewHoldMaxMs?: number;
  /** The web sign-ins' idle and absolute lifetimes (`--web-session-idle-hours`, `--web-session-max-hours`) and, in tests, their clock. */
  webSessions?: Pick<WebSessionOptions, 'idleMs' | 'maxMs' | 'now' | 'schedule'>;
}

export class App {
  readonly ctx: AppContext;
  readonly events: Emitter<AllEvents>;
  readonly auth: Authenticator;
  /** The web pages' sign-ins (src/app/web-sessions.ts). */
  readonly webSessions: WebSessions;
  /** Each content provider's HTTP throughput in this process (http-throughput.ts); the HTTP door asks it before submitting. */
  readonly httpThroughput: HttpThroughput;
  /** MO handlers later features register (consent replies, complaint reports); tried before opt-out handling. */
  readonly moHandlers: MoHandler[] = [];
  /**
   * Port numbers an MO handler claims (number → what for, e.g. the report port): no content provider
   * may register them, since MOs to them never reach the port lookup. Set by whoever pushes the handler.
   */
  readonly reservedPorts = new Map<string, string>();
  /**
   * Providers' callback URLs in memory (callback-registry.ts): the callbacks use case updates it,
   * the callback worker loads it and reads it on every status and MO event.
   */
  readonly callbacks = new CallbackRegistry();
  /** Idempotency-Keys being processed in this process (idempotency.ts). */
  readonly keysInFlight = new KeysInFlight();
  /**
   * This process's carrier links (the SMPP client), set by the composition root once the client is
   * built; null on a process without egress (`--role ingress`) and until then.
   */
  private linkSource: (UpstreamLinkSource & UpstreamLinkControl) | null = null;
  /** Whether this process can take and keep messages now (`GET /readyz`, app/readiness.ts). */
  readonly readiness = new Readiness();

  constructor(deps: AppDeps) {
    this.events = new Emitter<AllEvents>();
    this.ctx = {
      store: deps.store,
      clock: deps.clock,
      ids: deps.ids ?? new RandomIds(),
      profile: deps.profile,
      stages: deps.stages ?? DEFAULT_STAGES,
      detectors: deps.detectors ?? ruleBasedDetectors,
      events: this.events,
      reviewHoldMaxMs: deps.reviewHoldMaxMs ?? DEFAULT_REVIEW_HOLD_MAX_MS,
    };
    this.ctx.commit = new GroupCommit(this.ctx);
    // the window of rule content.duplicate: how long the store remembers each accepted text
    deps.store.messages.keepTextsFor?.((deps.profile.params.duplicateContentWindowSeconds?.value ?? 30) * 1000);
    this.auth = new Authenticator(this.ctx);
    this.webSessions = new WebSessions(this.ctx.store.webSessions, this.auth, {
      ...deps.webSessions,
      onStoreError: (e) => this.events.emit('workerError', { where: 'web sessions', message: e.message }),
      audit: { records: this.ctx.store.records, now: () => this.ctx.clock.now() },
    });
    this.httpThroughput = new HttpThroughput(this.ctx);
    this.moHandlers.push(consentReplyHandler);
    // every process has a store; the composition root adds what else it runs (src/main.ts)
    this.readiness.add({ name: 'store', required: true, run: () => deps.store.ping() });
  }

  get profile(): Profile {
    return this.ctx.profile;
  }

  submitMessage(p: Principal, input: unknown, channel: Channel): Promise<SubmitOutcome> {
    return submitMessage(this.ctx, p, input, channel);
  }
  submitMessages(p: Principal, inputs: readonly unknown[], channel: Channel, fieldPrefix?: string): Promise<SubmitOutcome[]> {
    return submitMessages(this.ctx, p, inputs, channel, fieldPrefix);
  }
  /** submitMessages with an Idempotency-Key (README "Retrying safely"): decided once, answered again on a retry. */
  submitMessagesOnce(p: Principal, inputs: readonly unknown[], channel: Channel, fieldPrefix: string | undefined, req: KeyedRequest): Promise<KeyedAnswer> {
    return submitMessagesOnce(this.ctx, this.keysInFlight, p, inputs, channel, fieldPrefix, req);
  }
  receiveMo(input: MoInput, channel: Channel): Promise<MoOutcome> {
    return receiveMo(this.ctx, input, channel, this.moHandlers);
  }
  createContentProvider(p: Principal, body: Record<string, unknown>) {
    return createContentProvider(this.ctx, p, body);
  }
  addSignature(p: Principal, cpId: string, body: Record<string, unknown>) {
    return addSignature(this.ctx, p, cpId, body);
  }
  addPort(p: Principal, body: Record<string, unknown>) {
    return addPort(this.ctx, p, body, this.reservedPorts);
  }
  revokeSignature(p: Principal, cpId: string, signatureId: string, body: Record<string, unknown> | undefined) {
    return revokeSignature(this.ctx, p, cpId, signatureId, body).then(signatureView);
  }
  retirePort(p: Principal, number: string, body: Record<string, unknown> | undefined) {
    return retirePort(this.ctx, p, number, body).then(portView);
  }
  updateContentProvider(p: Principal, id: string, body: Record<string, unknown>) {
    return updateContentProvider(this.ctx, this.httpThroughput, p, id, body);
  }
  /** The registry's reads (directory-views.ts): admin, a regulator within its province, a provider itself. */
  listContentProviders(p: Principal, q: { status?: unknown } = {}) {
    return listContentProviders(this.ctx, p, q);
  }
  getContentProvider(p: Principal, id: unknown) {
    return getContentProviderDetail(this.ctx, p, id);
  }
  listSignatures(p: Principal, cpId: unknown) {
    return listProviderSignatures(this.ctx, p, cpId);
  }
  listPorts(p: Principal, q: { contentProviderId?: unknown } = {}) {
    return listPorts(this.ctx, p, q);
  }
  /** An admin issues another API key for a provider (api-keys.ts); shown once. */
  createApiKey(p: Principal, cpId: string, body?: Record<string, unknown>) {
    return createApiKey(this.ctx, p, cpId, body);
  }
  /** A provider's API keys for an admin or the provider itself (never a secret). */
  listApiKeys(p: Principal, cpId: string) {
    return listApiKeys(this.ctx, p, cpId);
  }
  /** An admin revokes a provider's API key: refused here and on the bus at once, elsewhere within TOKEN_CACHE_MS. */
  revokeApiKey(p: Principal, cpId: string, keyId: string) {
    return revokeApiKey(this.ctx, this.auth, p, cpId, keyId);
  }
  grantConsent(p: Principal, body: Record<string, unknown>) {
    return grantConsent(this.ctx, p, body);
  }
  withdrawConsent(p: Principal, id: string, body?: unknown) {
    return withdrawConsent(this.ctx, p, id, body);
  }
  queryRecords(p: Principal, f: RecordsFilter) {
    return queryRecords(this.ctx, p, f);
  }
  /** `naming.partIds` (SMPP): an earlier part's id of the provider's own long message names it too. */
  /** A page of messages, each as getMessage gives it (message-list.ts). */
  listMessages(p: Principal, f: MessageListFilter) {
    return listMessages(this.ctx, p, f);
  }

  getMessage(p: Principal, id: string, naming?: MessageNaming) {
    return getMessage(this.ctx, p, id, naming);
  }
  /** An admin sets a provider's HTTP callback URLs (callbacks.ts). */
  setCallbacks(p: Principal, cpId: string, body: Record<string, unknown>) {
    return setCallbacks(this.ctx, this.callbacks, p, cpId, body);
  }
  /** A provider's callback URLs, for an admin or the provider itself (never the secret). */
  getCallbacks(p: Principal, cpId: string) {
    return getCallbacks(this.ctx, p, cpId);
  }
  /** Usage figures per provider and Shanghai day or month (usage.ts): admin any, a provider its own, a regulator as the registry. */
  readUsage(p: Principal, q: UsageQuery = {}) {
    return readUsage(this.ctx, p, q);
  }

  /** A provider's given-up callbacks and its pending count, for an admin or the provider (failed-callbacks.ts). */
  listFailedCallbacks(p: Principal, cpId: string, limit?: number, cursor?: string) {
    return listFailedCallbacks(this.ctx, p, cpId, limit, cursor);
  }
  /** Sends a provider's given-up callbacks (all, or those named) again, for an admin or the provider. */
  retryFailedCallbacks(p: Principal, cpId: string, body: Record<string, unknown> | undefined) {
    return retryFailedCallbacks(this.ctx, p, cpId, body);
  }
  /** Tells the app where this process's carrier links' status comes from (null: no egress here). */
  setUpstreamLinks(source: (UpstreamLinkSource & UpstreamLinkControl) | null): void {
    this.linkSource = source;
  }
  /** An operator stops a carrier link (upstream-links.ts): no new submits, then it unbinds until started. */
  stopUpstreamLink(p: Principal, name: string) {
    return controlUpstreamLink(this.ctx, p, this.linkSource, name, 'stop');
  }
  /** An operator starts a stopped carrier link again: it binds with the usual backoff. */
  startUpstreamLink(p: Principal, name: string) {
    return controlUpstreamLink(this.ctx, p, this.linkSource, name, 'start');
  }
  /** The carrier links' status, for an admin (upstream-links.ts). */
  upstreamLinks(p: Principal) {
    return upstreamLinks(p, this.linkSource, this.ctx.linkFleet);
  }
  /** A sender cancels a message the gateway still holds (cancel-message.ts); `naming` as getMessage. */
  cancelMessage(p: Principal, id: string, naming?: MessageNaming) {
    return cancelMessage(this.ctx, p, id, naming);
  }
  /** A sender replaces the text of a message the gateway still holds, decided again (replace-message.ts). */
  replaceMessage(p: Principal, id: string, change: ReplaceInput, channel: Channel) {
    return replaceMessage(this.ctx, p, id, change, channel);
  }
}
