/**
 * `GET /v1/upstream-links` (admin; README "Carrier links", docs/SMPP.md): this process's carrier SMPP
 * links as the client knows them now, Kannel's /status for smsguard. The use case is
 * src/app/upstream-links.ts; the figures come from the client on request, never per message.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { bearerSecurity, errorBody, errorResponse, UNAUTHORIZED, roleRefused } from '../schemas.js';

const count = (description: string) => ({ type: 'integer', minimum: 0, description });
const time = (description: string) => ({ type: ['integer', 'null'], description: `${description} (ms since the epoch)` });

/** One link (UpstreamLinkStatus, src/ports/upstream-links.ts): never the password. */
const linkStatus = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'The link\'s name (`name=` of its smpp:// URL, `simulator` for the built-in one)' },
    process: { type: 'string', description: 'Scale-out (--queue): the egress process holding it (its worker\'s member id); every egress process holds its own session of each link. Absent on a single process' },
    host: { type: 'string' },
    port: { type: 'integer' },
    systemId: { type: 'string', description: 'The system_id it binds with (the password is never shown)' },
    tls: { type: 'boolean', description: 'SMPP over TLS (smpps://)' },
    bind: { type: 'string', enum: ['trx', 'tx+rx'], description: 'How it binds (bind= of its URL, "bind" in the upstream file): trx, one bind_transceiver session; tx+rx, a bind_transmitter session for submits and cancel_sm and a bind_receiver session for receipts and MO' },
    sessions: {
      type: 'array', description: 'Its SMPP sessions, each bound and reconnected on its own: the transceiver, or the transmitter then the receiver. state is the link\'s for the session submits go through; a receiver down leaves the link sending (the SMSC keeps its receipts until it binds again)',
      items: {
        type: 'object',
        properties: {
          bindType: { type: 'string', enum: ['transceiver', 'transmitter', 'receiver'] },
          state: { type: 'string', enum: ['bound', 'connecting', 'down', 'closed', 'unknown'], description: 'bound; connecting; down (waiting out its reconnect backoff); closed (stopping, or unbound after an operator\'s stop); unknown (the client\'s thread has not answered yet)' },
          boundSince: time('When this session\'s bind came up; null while not bound'),
          reconnects: count('This session\'s connect attempts after its first'),
          lastError: {
            type: ['object', 'null'], description: 'Why this session last went down or failed to connect; null if it never did',
            properties: { message: { type: 'string' }, at: { type: 'integer' } }, required: ['message', 'at'],
          },
        },
        required: ['bindType', 'state', 'boundSince', 'reconnects', 'lastError'],
      },
    },
    state: { type: 'string', enum: ['bound', 'connecting', 'down', 'closed', 'stopped', 'unknown'], description: 'Whether it can send, from the session submits go through (the transceiver, or the transmitter with bind tx+rx): bound; connecting (TCP, TLS, bind under way); down (waiting out the reconnect backoff after a failed connect or a drop); closed (stopping); stopped (an operator took it out of service: POST /v1/upstream-links/{name}/stop; it unbinds once its in-flight submits are answered and stays unbound until started); unknown (the client\'s thread has not answered yet)' },
    boundSince: time('When the current bind came up; null while not bound'),
    stoppedAt: time('When an operator stopped the link; null while in service'),
    stoppedBy: { type: ['string', 'null'], description: 'The token id of the operator who stopped it; null while in service' },
    window: count('Unanswered submit_sm allowed (SMPP window)'),
    inFlight: count('submit_sm written and not answered yet'),
    queued: count('Submits waiting in the link\'s queue: for the window, a throttling pause or the throughput cap'),
    throughput: { type: 'number', minimum: 0, description: 'Cap in submit_sm per second; 0 = uncapped' },
    prefixes: { type: 'array', items: { type: 'string' }, description: 'Recipient prefixes it carries; empty = any' },
    weight: { type: 'number', minimum: 0, description: 'Its share among the links that carry a recipient (least loaded relative to weight)' },
    carrier: { type: ['string', 'null'], description: 'The carrier it reaches (carrier= of its URL, "carrier" in the upstream file), as configured; null when it names none. Numbers of the ported-numbers list (--mnp-file) whose current carrier this is go to its links, whatever their prefixes' },
    throttledUntil: time('While the SMSC throttled us (ESME_RTHROTTLED): no new submit before this; null when not paused'),
    reconnects: count('Connect attempts after the first (after a failed connect or a dropped connection), of all its sessions'),
    lastError: {
      type: ['object', 'null'], description: 'Why it (any of its sessions) last went down or failed to connect; null if it never did',
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
  // bind and sessions (2026-12) not required: in scale-out an egress process of an earlier release answers without them
  required: ['name', 'host', 'port', 'systemId', 'tls', 'state', 'boundSince', 'stoppedAt', 'stoppedBy', 'window', 'inFlight', 'queued', 'throughput', 'prefixes', 'weight', 'carrier', 'throttledUntil', 'reconnects', 'lastError', 'counters'],
} as const;

export async function upstreamLinkRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/upstream-links', {
    onRequest: requireAuth,
    schema: {
      tags: ['ops'], security: bearerSecurity,
      summary: 'The carrier SMPP links of this process: state, window, in flight, queued, throttling, reconnects, last error and counters (admin)',
      description: 'Read from the SMPP client when asked (on its thread: one message, at most 1 s; past that the last figures, with stale true). Without --queue, this process\'s links. In scale-out (--queue) whichever process is asked gathers every egress process\'s links over NATS (each tagged with its process; the answers that came within 2 s): an ingress process then answers egress true; none answering: links empty and stale true.',
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
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.upstreamLinks(req.principal));

  /** A stop's or start's answer: the link at the first process holding it, and in scale-out every egress process's answer. */
const controlAnswer = {
  ...linkStatus,
  properties: {
    ...linkStatus.properties,
    processes: {
      type: 'array', description: 'Scale-out (--queue): every egress process that answered within 2 s: the link\'s state there and whether the act changed it, or error unknown_link (it holds no link of that name) or no_answer (its client\'s thread did not answer). Absent on a single process',
      items: {
        type: 'object',
        properties: {
          process: { type: 'string' }, state: linkStatus.properties.state, changed: { type: 'boolean' },
          error: { type: 'string', enum: ['unknown_link', 'no_answer'] },
        },
        required: ['process'],
      },
    },
  },
} as const;

const nameParam = { type: 'object', properties: { name: { type: 'string', maxLength: 128 } }, required: ['name'] } as const;
  const control = (act: 'stop' | 'start', summary: string, description: string) => f.post(`/v1/upstream-links/:name/${act}`, {
    onRequest: requireRoles(ROLES.controlUpstreamLink),
    schema: {
      tags: ['ops'], security: bearerSecurity, summary, description, params: nameParam,
      response: {
        200: controlAnswer,
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        404: errorResponse('No link of that name on this process, or in scale-out on any egress process'),
        '4xx': errorBody,
        503: errorResponse('The SMPP client\'s thread did not answer within 1 s, or in scale-out no egress process answered within 2 s (code upstream_unavailable); it may still act: read GET /v1/upstream-links'),
      },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    return act === 'stop' ? app.stopUpstreamLink(req.principal, name) : app.startUpstreamLink(req.principal, name);
  });
  control('stop',
    'Take a carrier link out of service: no new submits at once, in-flight ones answered, then unbind until started (admin)',
    'Kannel\'s stop-smsc, Jasmin\'s smppccm -0. At once the link takes no new submit: routing fails over to the other links that carry the recipient, as when it is down; submits waiting in its queue go to another link; those already written are answered or time out as usual; then it unbinds and stays unbound (no reconnect) until POST …/start. Messages for which no link is left wait in the queue, as when every link is down. Answers with the link\'s status (state stopped, stoppedAt, stoppedBy) without waiting for the unbind. Idempotent: a stopped link answers 200 with its first stop. On a single process it lasts until start or a restart of the process. In scale-out (--queue) asked of any process it reaches every egress process over NATS (processes lists their answers) and is kept on the bus: an egress process started later comes up with the link stopped, until start. Recorded as an audit record (upstream_link.stop) with the operator\'s token id.');
  control('start',
    'Put a stopped carrier link back in service: it binds again (admin)',
    'Kannel\'s start-smsc, Jasmin\'s smppccm -1. The link binds again, with the usual backoff after a failed connect; answers at once with its status (usually connecting). Idempotent: a link in service answers 200 as it is. In scale-out it reaches every egress process and ends the kept stop. Recorded as an audit record (upstream_link.start).');
}
