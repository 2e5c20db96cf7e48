/**
 * `GET /v1/upstream-links` (admin; README "Carrier links", docs/SMPP.md): this process's carrier SMPP
 * links as the client knows them now, Kannel's /status for smsguard. The use case is
 * src/app/upstream-links.ts; the figures come from the client on request, never per message.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse } from '../schemas.js';

const count = (description: string) => ({ type: 'integer', minimum: 0, description });
const time = (description: string) => ({ type: ['integer', 'null'], description: `${description} (ms since the epoch)` });

/** One link (UpstreamLinkStatus, src/ports/upstream-links.ts): never the password. */
const linkStatus = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'The link\'s name (`name=` of its smpp:// URL, `simulator` for the built-in one)' },
    host: { type: 'string' },
    port: { type: 'integer' },
    systemId: { type: 'string', description: 'The system_id it binds with (the password is never shown)' },
    tls: { type: 'boolean', description: 'SMPP over TLS (smpps://)' },
    state: { type: 'string', enum: ['bound', 'connecting', 'down', 'closed', 'unknown'], description: 'bound; connecting (TCP, TLS, bind under way); down (waiting out the reconnect backoff after a failed connect or a drop); closed (stopping); unknown (the client\'s thread has not answered yet)' },
    boundSince: time('When the current bind came up; null while not bound'),
    window: count('Unanswered submit_sm allowed (SMPP window)'),
    inFlight: count('submit_sm written and not answered yet'),
    queued: count('Submits waiting in the link\'s queue: for the window, a throttling pause or the throughput cap'),
    throughput: { type: 'number', minimum: 0, description: 'Cap in submit_sm per second; 0 = uncapped' },
    prefixes: { type: 'array', items: { type: 'string' }, description: 'Recipient prefixes it carries; empty = any' },
    weight: { type: 'number', minimum: 0 },
    throttledUntil: time('While the SMSC throttled us (ESME_RTHROTTLED): no new submit before this; null when not paused'),
    reconnects: count('Connect attempts after the first (after a failed connect or a dropped connection)'),
    lastError: {
      type: ['object', 'null'], description: 'Why it last went down or failed to connect; null if it never did',
      properties: { message: { type: 'string' }, at: { type: 'integer' } }, required: ['message', 'at'],
    },
    counters: {
      type: 'object', description: 'Since the link (or the client\'s thread) started',
      properties: {
        submitted: count('submit_sm answered ESME_ROK (each part of a long message)'),
        submitFailed: count('submit_sm answered with another status than ESME_ROK or ESME_RTHROTTLED, or not at all (timeout, dropped connection)'),
        throttled: count('submit_sm answered ESME_RTHROTTLED'),
        receipts: count('Delivery receipts received on the link'),
        mo: count('MO received on the link'),
      },
      required: ['submitted', 'submitFailed', 'throttled', 'receipts', 'mo'],
    },
  },
  required: ['name', 'host', 'port', 'systemId', 'tls', 'state', 'boundSince', 'window', 'inFlight', 'queued', 'throughput', 'prefixes', 'weight', 'throttledUntil', 'reconnects', 'lastError', 'counters'],
} as const;

export async function upstreamLinkRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/upstream-links', {
    onRequest: requireAuth,
    schema: {
      tags: ['ops'], security: bearerSecurity,
      summary: 'The carrier SMPP links of this process: state, window, in flight, queued, throttling, reconnects, last error and counters (admin)',
      description: 'Read from the SMPP client when asked (on its thread: one message, at most 1 s; past that the last figures, with stale true). On a process without egress (--role ingress) links is empty and egress false: the egress processes hold the links. Each process answers for its own links.',
      response: {
        200: {
          type: 'object',
          properties: {
            egress: { type: 'boolean', description: 'Whether this process holds upstream links (false on --role ingress: links is then empty)' },
            links: { type: 'array', items: linkStatus },
            at: time('When the figures were read; null without egress'),
            stale: { type: 'boolean', description: 'The client\'s thread did not answer in time: the figures are its last ones (as of at), or the configuration with state unknown' },
          },
          required: ['egress', 'links', 'at', 'stale'],
        },
        401: errorResponse('No token, or an unknown or revoked one'),
        403: errorResponse('Not the admin (a regulator, the report centre, a content provider)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.upstreamLinks(req.principal));
}
