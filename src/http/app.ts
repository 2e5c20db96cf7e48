/**
 * buildHttpApp: the Fastify instance with every route group, ready for `inject()` in tests or
 * `listen()` in src/main.ts. It never listens by itself.
 */
import { PACKAGE_VERSION } from '../runtime/package-version.js';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../app/app.js';
import type { SimulatorSmsc } from '../simulator/simulator-smsc.js';
import type { SimulatedClock } from '../simulator/clock.js';
import type { Metrics } from './metrics.js';
import { registerAuth } from './auth.js';
import { clientErrorHandler, registerEmptyParamsNotFound, registerErrorHandler, type NotFoundHint } from './errors.js';
import { registerValidation } from './validation.js';
import { registerStorableParams } from './storable-params.js';
import { registerEmptyJsonBody } from './empty-body.js';
import { contentProviderRoutes } from './routes/content-providers.js';
import { directoryRoutes } from './routes/directory.js';
import { messageRoutes } from './routes/messages.js';
import { consentRoutes } from './routes/consents.js';
import { recordRoutes } from './routes/records.js';
import { simulatedClockRoutes, simulatorRoutes } from './routes/simulator.js';
import { consentRequestRoutes } from './routes/consent-requests.js';
import { chargedServiceRoutes } from './routes/charged-services.js';
import { subscriberRoutes } from './routes/subscribers.js';
import { dndRoutes } from './routes/dnd.js';
import { complaintRoutes } from './routes/complaints.js';
import { reportRoutes } from './routes/reports.js';
import { caseRoutes } from './routes/cases.js';
import { creditRoutes } from './routes/credit.js';
import { annualReportRoutes } from './routes/annual-report.js';
import { reviewQueueRoutes } from './routes/review-queue.js';
import { callbackRoutes } from './routes/callbacks.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { usageRoutes } from './routes/usage.js';
import { upstreamLinkRoutes } from './routes/upstream-links.js';
import { webRoutes } from '../web/plugin.js';
import { PAGE_HEADERS } from '../web/routes/context.js';
import { badAddressPage } from '../web/routes/site.js';
import { documentIdempotencyKey } from './idempotency-key.js';
import { documentServerErrors } from './server-errors-doc.js';
import { oas30Document } from './openapi-doc.js';
import { registerReadyz } from './readyz.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * @fastify/swagger marks every request body `required`; a body whose schema also takes null (no body
 * at all: DELETE /v1/consents/{id}, whose `{proof}` is optional) is documented as optional instead.
 */
function optionalNullableBodies<T extends { paths?: unknown }>(doc: T): T {
  for (const ops of Object.values(isObj(doc.paths) ? doc.paths : {})) {
    for (const op of Object.values(isObj(ops) ? ops : {})) {
      const body = isObj(op) ? op.requestBody : undefined;
      if (isObj(body) && isObj(body.content) && Object.values(body.content).some((m) => isObj(m) && isObj(m.schema) && m.schema.nullable === true)) body.required = false;
    }
  }
  return doc;
}

export interface HttpDeps {
  app: App;
  metrics?: Metrics;
  /** The built-in simulator SMSC when it is the upstream: serves `/v1/simulator/mo` and `/outbox` (no token). */
  simulator?: SimulatorSmsc;
  /**
   * The clock when simulated: serves `/v1/simulator/clock` whatever the upstream, without a token
   * beside `simulator` and for the admin token only without it (beside real carrier links).
   */
  simulatedClock?: SimulatedClock;
  /** pino logger options, or false (tests). */
  logger?: boolean | object;
  /** Extra route plugins later features add (each `async (f, {app}) => …`). */
  plugins?: ((f: FastifyInstance, opts: { app: App }) => Promise<void>)[];
  /** Fastify's `trustProxy` (config `trustProxy`): whose X-Forwarded-For makes `req.ip`. */
  trustProxy?: string | ((addr: string, hop: number) => boolean);
}

/**
 * A 404 under /v1/simulator/ says why the route is not here: README's walkthrough moves the clock with
 * `POST /v1/simulator/clock`, which a gateway started without `--clock simulated` answered only with
 * `no route POST /v1/simulator/clock`, as if the path were mistyped.
 */
function simulatorNotFoundHint(deps: HttpDeps): NotFoundHint {
  return (_method, path) => {
    if (!path.startsWith('/v1/simulator/')) return undefined;
    // The clock is served whenever it is simulated, whatever the upstream.
    if (path === '/v1/simulator/clock') {
      return deps.simulatedClock ? undefined : 'this gateway runs on the system clock; start it with --clock simulated to move time with POST /v1/simulator/clock';
    }
    if (!deps.simulator) {
      return 'the simulator routes are served only while the built-in simulator SMSC is the upstream (--upstream simulator, the default), not with smpp:// links, --upstream-file or --role ingress (/v1/simulator/clock is served with --clock simulated whatever the upstream)';
    }
    return undefined;
  };
}

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const f = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
    // Ids and tokens are short; a long URL is an attack or a bug.
    routerOptions: { maxParamLength: 200 },
    // Errors fastify raises before routing (a URL that does not decode, a bad content type) get a
    // catalogued code like every other rejection.
    frameworkErrors: (err, req, reply) => {
      // …and on the pages, as a page in the visitor's language rather than JSON
      if (req.url === '/web' || req.url.startsWith('/web/')) {
        void (reply as unknown as FastifyReply).code(400).type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(badAddressPage(req.headers.cookie));
        return;
      }
      void (reply as unknown as FastifyReply).code(400).send({ error: { code: 'invalid_request', message: err.message } });
    },
    // …and so do requests Node's parser refuses before fastify sees them (a raw UTF-8 query string).
    clientErrorHandler,
  });
  // Every body is JSON (or a route's own type: JSONL reports, the pages' forms). Fastify's default
  // text/plain parser handed JSON sent as text/plain to the schema as a string ('body: must be
  // object'); without it such a body gets the 415 that says which header to send (errors.ts).
  f.removeContentTypeParser('text/plain');
  registerEmptyJsonBody(f);
  registerErrorHandler(f, simulatorNotFoundHint(deps));
  registerEmptyParamsNotFound(f);
  registerValidation(f);
  registerStorableParams(f);
  await f.register(swagger, {
    openapi: {
      info: { title: 'smsguard', version: PACKAGE_VERSION, description: 'SMS gateway that enforces the PRC Regulations on the Management of Communication Short Message Service. An operation without a request body takes none: a JSON body other than {} (a reason on a cancellation) is refused 400 invalid_request naming its first field; no body, an empty one and {} are taken.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    // oas30Document last, so that what the others add is an OpenAPI 3.0 document too (src/http/openapi-doc.ts)
    transformObject: (doc) => ('openapiObject' in doc ? oas30Document(documentServerErrors(documentIdempotencyKey(optionalNullableBodies(doc.openapiObject)))) : doc.swaggerObject),
  });
  await f.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(f, deps.app);

  // What a person opening the gateway's address in a browser (or curl) finds: where things are, not a 404.
  f.get('/', {
    schema: {
      tags: ['ops'], summary: 'Where the API description, the web pages and the probes are',
      response: { 200: { type: 'object', properties: { service: { type: 'string' }, version: { type: 'string' }, profile: { type: 'string' }, links: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['service', 'version', 'profile', 'links'] } },
    },
  }, async () => ({
    service: 'smsguard', version: PACKAGE_VERSION, profile: deps.app.profile.id,
    links: { openapi: '/docs', openapiJson: '/docs/json', web: '/web', health: '/healthz', ready: '/readyz', ...(deps.metrics ? { metrics: '/metrics' } : {}) },
  }));
  f.get('/healthz', {
    schema: {
      tags: ['ops'], summary: 'Liveness and the profile in force',
      response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, profile: { type: 'string', description: 'The regulation profile in force (cn-2015, cn-2026)' } }, required: ['status', 'profile'] } },
    },
  }, async () => ({ status: 'ok', profile: deps.app.profile.id }));
  registerReadyz(f, deps.app.readiness);
  if (deps.metrics) {
    const reg = deps.metrics.registry;
    f.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) => reply.type(reg.contentType).send(await reg.metrics()));
  }
  const opts = { app: deps.app };
  await f.register(contentProviderRoutes, opts);
  await f.register(directoryRoutes, opts);
  await f.register(callbackRoutes, opts);
  await f.register(apiKeyRoutes, opts);
  await f.register(messageRoutes, opts);
  await f.register(consentRoutes, opts);
  await f.register(consentRequestRoutes, opts);
  await f.register(chargedServiceRoutes, opts);
  await f.register(subscriberRoutes, opts);
  await f.register(dndRoutes, opts);
  await f.register(recordRoutes, opts);
  await f.register(usageRoutes, opts);
  await f.register(upstreamLinkRoutes, opts);
  for (const r of [complaintRoutes, reportRoutes, caseRoutes, creditRoutes, annualReportRoutes, webRoutes]) await f.register(r, opts);
  await f.register(reviewQueueRoutes, opts);
  if (deps.simulator) await f.register(simulatorRoutes, { app: deps.app, simulator: deps.simulator });
  // The clock whenever it is simulated, whatever the upstream; a token only away from the simulator.
  if (deps.simulatedClock) await f.register(simulatedClockRoutes, { app: deps.app, clock: deps.simulatedClock, needsAdmin: !deps.simulator });
  for (const p of deps.plugins ?? []) await f.register(p, opts);
  await f.ready();
  return f;
}
