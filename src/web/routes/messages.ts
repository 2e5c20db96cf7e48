/** The message list: what was sent to a number on a day, or the message with a clientRef, and did it arrive. */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../app/access.js';
import { normalizeMsisdnLenient } from '../../domain/msisdn.js';
import { t } from '../i18n.js';
import { messageListPage, shanghaiDay, type MessageSearch } from '../pages/messages.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';

/** /web/messages. */
export function registerMessageRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, needStaff, showAgain, hide } = w;
  f.get('/web/messages', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const s: MessageSearch = { msisdn: text('msisdn'), date: text('date'), clientRef: text('clientRef'), contentProviderId: p.role === 'content-provider' ? '' : text('contentProviderId') };
    const asked = !!(s.msisdn || s.date || s.clientRef);
    // the providers the operator and a regulator may name, by name, through the registry's use case; a provider names none
    const names = async () => (p.role === 'content-provider' ? null : (await app.listContentProviders(p)).map((c) => ({ id: c.id, name: c.name })));
    try {
      // A role that may not list messages learns it here, not after filling in the form.
      requireRole(p, 'admin', 'regulator', 'content-provider');
      const showProvider = await names();
      if (!asked) return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, null, showProvider), p);
      const day = s.date ? shanghaiDay(s.date) : undefined;
      // A number as a person types it (spaces, dashes, full-width digits), read as the complaint form
      // reads one; what is no number at all goes to the use case as typed, which names the field.
      const msisdn = s.msisdn ? normalizeMsisdnLenient(s.msisdn) ?? s.msisdn : undefined;
      const result = await app.listMessages(p, {
        msisdn, clientRef: s.clientRef || undefined, contentProviderId: s.contentProviderId || undefined,
        from: day?.from, to: day?.to, cursor: text('cursor') || undefined, limit: 50,
      });
      return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, result, showProvider), p);
    } catch (e) {
      return showAgain(req, reply, p, e, async (error, code) => {
        requireRole(p, 'admin', 'regulator', 'content-provider');
        return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, null, await names(), error), p, code);
      });
    }
  });
}
