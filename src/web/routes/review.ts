/**
 * The review queue and early warning (docs/CONTENT.md): the same use cases as GET /v1/review-queue,
 * GET /v1/alerts and GET /v1/early-warning/actions, each part shown only to the roles its API answers
 * (a part the use case refuses with forbidden is left out; a role none of them answers gets 403).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import { requireRole } from '../../app/access.js';
import { ReviewQueue } from '../../app/review-queue.js';
import { contentGovernanceOf, type BaselineView, type ContentGovernance } from '../../app/content-governance.js';
import type { ActionRecord } from '../../content/actions.js';
import { SmsguardError } from '../../domain/errors.js';
import { colon, t } from '../i18n.js';
import { baselineKey, heldActionId, reviewCursors, reviewPage, REVIEW_ALERTS_PAGE, REVIEW_HELD_PAGE, type ReviewCursors, type ReviewFlash, type ReviewView } from '../pages/review.js';
import { codeLabel } from '../code-labels.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';
import { governance } from './governance.js';

/** /web/review and its release, reject, lift and reset forms. */
export function registerReviewRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, showAgain, staffPage, staffAct, hide } = w;
  const queue = new ReviewQueue(app.ctx);
  /** The use case's answer, or null where it refuses this role (forbidden): that part is not the viewer's. */
  const ifAllowed = async <T>(run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof SmsguardError && e.code === 'forbidden') return null;
      throw e;
    }
  };
  const reviewView = async (p: Principal, at: ReviewCursors = {}): Promise<ReviewView> => {
    const gov = contentGovernanceOf(app.ctx);
    if (gov) await gov.flush();
    // a page of each from its cursor (the first page without one): the oldest held on, the newest alerts back
    const heldPage = await ifAllowed(() => queue.list(p, { limit: REVIEW_HELD_PAGE, cursor: at.heldCursor }));
    const alertsPage = gov ? await ifAllowed(() => gov.listAlerts(p, { limit: REVIEW_ALERTS_PAGE, cursor: at.alertsCursor })) : null;
    const listed = heldPage?.messages ?? null;
    const alerts = alertsPage?.alerts ?? null;
    const actions = gov ? await ifAllowed(() => gov.listActions(p, true)) : null;
    if (listed === null && alerts === null && actions === null) requireRole(p, 'admin', 'regulator', 'content-provider');
    // Why each was held: its decision's hold verdict, as GET /v1/messages/{id} shows it to the same
    // viewers (the list is already the viewer's: the operator's every provider's, a provider's its own);
    // the action it names is looked up only for a viewer who may read the actions.
    const views = listed?.length ? await app.ctx.store.messages.getMessages(listed.map((m) => m.id)) : [];
    const everyAction = listed?.length && actions !== null && gov ? await gov.listActions(p, false) : [];
    const byId = new Map<string, ActionRecord>(everyAction.map((a) => [a.id, a]));
    const held = listed?.map((m, i) => {
      const hold = views[i]?.verdicts.find((v) => v.note?.includes('held: '));
      const note = hold?.note ? hold.note.slice(hold.note.indexOf('held: ') + 6) : null;
      const actionId = heldActionId(hold?.note);
      return { m, why: { rule: hold?.rule ?? null, note, action: actionId ? byId.get(actionId) ?? null : null } };
    }) ?? null;
    const baselines = gov ? await baselinesOf(p, gov, [...(alerts ?? []), ...(actions ?? [])]) : null;
    const paging = { ...at, heldNext: heldPage?.nextCursor ?? null, alertsNext: alertsPage?.nextCursor ?? null };
    // the providers by name, through the registry's use cases: the operator's and a regulator's list, a provider its own entry
    const names = new Map(p.role === 'content-provider'
      ? [[p.contentProviderId, (await app.getContentProvider(p, p.contentProviderId)).name]]
      : (p.role === 'admin' || p.role === 'regulator') ? (await app.listContentProviders(p)).map((c) => [c.id, c.name]) : []);
    return { held, alerts, actions, baselines, governance: gov !== null, canDecide: p.role === 'admin', paging, names };
  };
  /**
   * The baseline of each provider or port the alerts and actions name, through the same use case as
   * GET /v1/early-warning/baselines/{scope}/{key}: null for the viewer it refuses (a regulator); a key
   * the monitor has not counted (not_found, e.g. after a restart before its traffic) reads "no baseline
   * yet" rather than failing the page.
   */
  const baselinesOf = async (p: Principal, gov: ContentGovernance, about: readonly { scope: string; key: string }[]): Promise<Map<string, BaselineView | null> | null> => {
    const out = new Map<string, BaselineView | null>();
    for (const { scope, key } of about) {
      const k = baselineKey(scope, key);
      if (out.has(k)) continue;
      try {
        out.set(k, await gov.baselineView(p, scope, key));
      } catch (e) {
        if (e instanceof SmsguardError && e.code === 'forbidden') return null;
        if (e instanceof SmsguardError && (e.code === 'not_found' || e.code === 'invalid_request')) out.set(k, null);
        else throw e;
      }
    }
    return out;
  };
  f.get('/web/review', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const done = q.done;
    const flash: ReviewFlash = done === 'release' || done === 'reject' || done === 'lift' || done === 'reset' ? { done } : {};
    // Whom the page is for first: the report centre, with a stale paging link, was told the link was
    // out of date (400) rather than that the page is not its (403).
    requireRole(p, 'admin', 'regulator', 'content-provider');
    return render(req, reply, lang, t(lang, 'reviewTitle'), reviewPage(lang, await reviewView(p, reviewCursors(q)), flash), p);
  }));
  /**
   * A refusal on the page: the code's label first (e.g. 用户已退订 / recipient opted out), then the
   * use case's message with its code and the rule and article that refused; the page again with it,
   * with the status the API gives the code. A refused release changes nothing: the message is still listed.
   */
  const reviewAgain = async (req: FastifyRequest, reply: FastifyReply, p: Principal, e: unknown, refusedId?: string) => {
    const lang = langOf(req, reply);
    const label = e instanceof SmsguardError ? codeLabel(lang, e.code) : null;
    return showAgain(req, reply, p, e, async (error, code) => {
      const said = label ? `${label}${colon(lang)}${error}` : error;
      return render(req, reply, lang, t(lang, 'reviewTitle'), reviewPage(lang, await reviewView(p), { error: said, refusedId }), p, code);
    });
  };
  // Release and Reject: the same use cases as POST /v1/review-queue/{id}/release|reject (the operator's;
  // a reason optional to release, required to reject, recorded with the decision)
  for (const act of ['release', 'reject'] as const) {
    f.post(`/web/review/:id/${act}`, hide, staffAct((req, reply, p) => {
      const { id } = req.params as { id: string };
      const reason = one(req.body as Form | undefined, 'reason');
      return {
        run: () => {
          const body = act === 'release' && reason.trim() === '' ? {} : { reason };
          return act === 'release' ? queue.release(p, id, body) : queue.reject(p, id, body);
        },
        done: () => `/web/review?done=${act}`,
        refused: (e) => reviewAgain(req, reply, p, e, id),
      };
    }));
  }
  // Lift: the same use case as POST /v1/early-warning/actions/{id}/lift (the operator's)
  f.post('/web/review/actions/:id/lift', hide, staffAct((req, reply, p) => ({
    run: () => {
      const gov = governance(app, 'actions to lift');
      return gov.liftAction(p, (req.params as { id: string }).id);
    },
    done: () => '/web/review?done=lift',
    refused: (e) => reviewAgain(req, reply, p, e),
  })));
  // Reset baseline: the same use case as POST /v1/early-warning/baselines/{scope}/{key}/reset (the
  // operator's; audited, kept in the store); a refusal (a key the monitor no longer knows, another
  // role) shows the page again with its code and label
  f.post('/web/review/baselines/:scope/:key/reset', hide, staffAct((req, reply, p) => ({
    run: () => {
      const gov = governance(app, 'baselines to reset');
      const { scope, key } = req.params as { scope: string; key: string };
      return gov.resetBaseline(p, scope, key);
    },
    done: () => '/web/review?done=reset',
    refused: (e) => reviewAgain(req, reply, p, e),
  })));
}
