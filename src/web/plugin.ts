/**
 * The web pages as one Fastify plugin under /web: public complaint form, status and credit register;
 * staff sign-in (a personal token kept in an HttpOnly, SameSite=Strict cookie), case list and case
 * page, the regulator's credit-file view, the registry (who is set up) and the annual report. Forms post urlencoded bodies and
 * redirect (303) after success, so reload never repeats an action. A rejection is shown in the page
 * with the HTTP status the JSON API gives its code (src/http/error-map.ts): forbidden 403, not found
 * 404, bad input 400, a rule's refusal 422, throttled 429.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app/app.js';
import { webContext } from './routes/context.js';
import { registerHooks } from './routes/hooks.js';
import { registerSiteRoutes } from './routes/site.js';
import { registerComplaintRoutes } from './routes/complaint.js';
import { registerLoginRoutes } from './routes/login.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerReportImportRoutes } from './routes/report-import.js';
import { registerCreditRoutes } from './routes/credit.js';
import { registerProviderRoutes } from './routes/providers.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerSubscriberRoutes } from './routes/subscribers.js';
import { registerRecordRoutes } from './routes/records.js';
import { registerLinkRoutes } from './routes/links.js';
import { registerReviewRoutes } from './routes/review.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerChargedServiceRoutes } from './routes/charged-services.js';
import { registerAnnualReportRoutes } from './routes/annual.js';

/** Every web page's routes, each page's in src/web/routes; the hooks and error handler first. */
export async function webRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const w = webContext(opts.app);
  registerHooks(f, w);
  registerSiteRoutes(f, w);
  registerComplaintRoutes(f, w);
  registerLoginRoutes(f, w);
  registerCaseRoutes(f, w);
  registerReportImportRoutes(f, w);
  registerCreditRoutes(f, w);
  registerProviderRoutes(f, w);
  registerMessageRoutes(f, w);
  registerSubscriberRoutes(f, w);
  registerRecordRoutes(f, w);
  registerLinkRoutes(f, w);
  registerReviewRoutes(f, w);
  registerTemplateRoutes(f, w);
  registerChargedServiceRoutes(f, w);
  registerAnnualReportRoutes(f, w);
}
