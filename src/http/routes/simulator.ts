/**
 * Simulator routes: injecting MO and reading the SMSC's outbox, only with `--upstream simulator`; and
 * the simulated clock, whenever `--clock simulated`, whatever the upstream.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/app.js';
import type { SimulatorSmsc } from '../../simulator/simulator-smsc.js';
import { isSimulatableTime, SIMULATED_MAX, SIMULATED_MIN, type SimulatedClock } from '../../simulator/clock.js';
import { simulatedTimeMover } from '../../app/simulated-time.js';
import { SmsguardError } from '../../domain/errors.js';
import { normalizeMsisdn, normalizeMsisdnLenient } from '../../domain/msisdn.js';
import { msisdnRefusal, parseTime } from '../../app/validate.js';
import { bearerSecurity, errorBody, errorResponse, UNAUTHORIZED } from '../schemas.js';
import { requireAuth } from '../auth.js';
import { requireRole } from '../../app/access.js';

/** SimulatedDelivery (src/simulator/simulator-smsc.ts): one submit the simulator SMSC took. */
const delivery = {
  type: 'object',
  properties: {
    upstreamId: { type: 'string', description: 'The SMSC\'s message id (as in its receipt)' },
    messageId: { type: 'string', description: 'The simulator\'s own name for the submit: `smpp-N` behind SMPP, as `smsguard start` runs it (an SMSC never learns smsguard\'s ids); smsguard\'s message id only where the simulator is called in process (tests). A message is found here by `upstreamId`, which its `submitted` status record carries' },
    from: { type: 'string' },
    to: { type: 'string', description: 'E.164' },
    text: { type: 'string', description: 'The whole text as sent (the parts of a long message are reassembled first)' },
    receivedAt: { type: 'integer', description: 'Epoch ms, on the simulated clock' },
  },
  required: ['upstreamId', 'messageId', 'from', 'to', 'text', 'receivedAt'],
} as const;
const clockView = { type: 'object', properties: { now: { type: 'string', format: 'date-time', description: 'The simulated time' } }, required: ['now'] } as const;
/** MoOutcome (src/app/types.ts): what smsguard did with the MO. */
const moOutcome = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The MO\'s record id' },
    action: { type: 'string', enum: ['opt_out', 'opt_in', 'consent_granted', 'consent_refused', 'consent_reply_late', 'forwarded', 'report', 'ignored', 'part_kept'], description: 'part_kept: a part of a long MO, kept until its set is whole; opt_in: a re-subscribe reply lifted the number\'s opt-out; consent_reply_late: a yes or no to a consent request that had closed (expired or answered), which changed nothing and was answered so' },
    contentProviderId: { type: 'string', description: 'The provider it concerned, when one' },
  },
  required: ['id', 'action'],
} as const;

const RANGE = `${new Date(SIMULATED_MIN).toISOString()} – ${new Date(SIMULATED_MAX).toISOString()} (exclusive)`;

/** `POST /v1/simulator/mo` and `GET /v1/simulator/outbox`: the built-in simulator SMSC's doors, no token. */
export async function simulatorRoutes(f: FastifyInstance, opts: { app: App; simulator: SimulatorSmsc }): Promise<void> {
  const { app, simulator } = opts;
  f.post('/v1/simulator/mo', {
    schema: {
      tags: ['simulator'], summary: 'A user’s reply reaching a port, as the SMSC would deliver it',
      body: { type: 'object', additionalProperties: false, properties: { from: { type: 'string', description: 'The user\'s mainland mobile number: 13800138000, 8613800138000 or +8613800138000 (and as a carrier may write it: 008613800138000, spaces, dashes, full-width digits); anything else is 422 `invalid_msisdn`' }, to: { type: 'string' }, text: { type: 'string' } }, required: ['from', 'to', 'text'] },
      response: { 200: moOutcome, 422: errorResponse('A `from` that is not a mainland mobile number (`invalid_msisdn`): a handset\'s reply always comes from one'), '4xx': errorBody },
    },
  }, async (req) => {
    const b = req.body as { from: string; to: string; text: string };
    // A real SMSC delivers a user's reply from the handset's number; one from `abc` was recorded
    // `ignored` (since 2026-12-07 refused as the API refuses a bad number). Read as receiveMo reads a
    // carrier's sender (the API's three spellings, and `0086…`, spaces, full-width digits as an SMSC
    // may write them), so the door refuses exactly the senders the gateway could not take. `to` stays
    // free: a reply to a port no provider holds is recorded, as from a carrier. Passed on as typed.
    if (!normalizeMsisdnLenient(b.from)) throw msisdnRefusal('from', app.profile);
    return app.receiveMo({ from: b.from, to: b.to, text: b.text }, 'system');
  });

  f.get('/v1/simulator/outbox', {
    schema: {
      tags: ['simulator'], summary: 'What the simulator SMSC received, oldest first (the newest submits it keeps)',
      querystring: { type: 'object', additionalProperties: false, properties: { to: { type: 'string', description: 'Only the submits to this number' } } },
      response: {
        200: {
          type: 'object',
          properties: {
            messages: { type: 'array', items: delivery },
            count: { type: 'integer', description: 'Every submit the simulator received since it started, to any number (the outbox keeps only the newest), as the standalone simulator\'s outbox says' },
          },
          required: ['messages', 'count'],
        },
        422: errorResponse('A `to` that is not a mainland mobile number'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const q = req.query as { to?: string };
    let to: string | undefined;
    if (q.to) {
      const n = normalizeMsisdn(q.to);
      if (!n) throw msisdnRefusal('to', app.profile);
      to = n;
    }
    return { messages: simulator.outbox(to), count: simulator.count };
  });
}

/**
 * `POST` and `GET /v1/simulator/clock`, served whenever the clock is simulated (`--clock simulated`),
 * whatever the upstream: without them time would never move. `needsAdmin`: beside the built-in
 * simulator SMSC they take no token, like its other test doors; beside real carrier links (`smpp://`,
 * `--upstream-file`) or on a process without an upstream (`--role ingress`) only the admin token
 * moves or reads time there, since the time decides when commercial messages reach real phones
 * (quiet hours), when consents expire and when complaint deadlines pass.
 */
/** A `set` with no offset: date, time to the minute, seconds (and a fraction) if given. */
const NO_OFFSET = /^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d)(:\d\d(?:\.\d{1,9})?)?$/;

export async function simulatedClockRoutes(f: FastifyInstance, opts: { app: App; clock: SimulatedClock; needsAdmin: boolean }): Promise<void> {
  const { app, clock, needsAdmin } = opts;
  // Checked as the request arrives, before its body is read: whether a token is needed is this
  // door's configuration (which upstream runs beside it), not the move's.
  const guard = needsAdmin ? { onRequest: async (req: FastifyRequest) => { await requireAuth(req); requireRole(req.principal, 'admin'); } } : {};
  const security = needsAdmin ? { security: bearerSecurity } : {};
  const refusals = needsAdmin ? { 401: UNAUTHORIZED, 403: errorResponse('A token other than an admin\'s (beside real carrier links only an admin moves or reads the simulated time)') } : {};
  const moveTo = simulatedTimeMover(app.ctx.store.settings, clock);
  f.post('/v1/simulator/clock', {
    ...guard,
    schema: {
      tags: ['simulator'], ...security, summary: 'Move the simulated clock: {advanceSeconds} or {set: ISO-8601 date-time; without an offset, UTC}',
      description: `The new time is saved in the database before the clock moves (a failed save leaves the clock where it was); the next start resumes from it. ${needsAdmin ? 'Beside real carrier links: the admin token only.' : 'Beside the built-in simulator SMSC: no token.'}`,
      body: { type: 'object', additionalProperties: false, properties: { advanceSeconds: { type: 'number', minimum: 0 }, set: { type: 'string' } } },
      response: { 200: clockView, 400: errorResponse('Neither or both of advanceSeconds and set, or a time outside the simulated range'), ...refusals, '4xx': errorBody },
    },
  }, async (req) => {
    // Everything is checked before the clock moves: a rejected request leaves time where it was.
    const b = req.body as { advanceSeconds?: number; set?: string };
    if (b.advanceSeconds !== undefined && b.set !== undefined) throw new SmsguardError('invalid_request', 'give advanceSeconds or set, not both', {}, 'set');
    let target: (now: number) => number;
    if (b.advanceSeconds !== undefined) {
      const s = b.advanceSeconds;
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
        throw new SmsguardError('invalid_request', 'advanceSeconds: must be a finite number of seconds ≥ 0', {}, 'advanceSeconds');
      }
      // From the clock's time when the move runs (after any move before it), in whole milliseconds:
      // a fraction was shown, then saved as text that the next start cannot read back.
      target = (now) => {
        const t = now + Math.round(s * 1000);
        if (!isSimulatableTime(t)) throw new SmsguardError('invalid_request', `advanceSeconds: would move the clock outside ${RANGE}`, {}, 'advanceSeconds');
        return t;
      };
    } else if (b.set !== undefined) {
      // A real day (Date.parse rolled 2026-02-30 over to 2 March). ISO-8601 also has local times
      // with no offset, and `{set: ISO-8601}` is this route's contract: such a value is read as UTC,
      // as Date.parse read it on the usual (UTC) host before 2026-12-07, now whatever the host's zone
      // (it read `2026-12-01 10:00` in the server's zone); the answer's `now` shows the time set.
      const plain = NO_OFFSET.exec(b.set);
      const t = parseTime(plain ? `${plain[1]}T${plain[2]}${plain[3] ?? ':00'}Z` : b.set, 'set');
      if (!isSimulatableTime(t)) throw new SmsguardError('invalid_request', `set: must be inside ${RANGE}`, {}, 'set');
      target = () => t;
    } else throw new SmsguardError('invalid_request', 'give advanceSeconds or set', {}, 'advanceSeconds');
    // Saved, then moved (app/simulated-time.ts): a restart right after resumes here, and a failed
    // save answers 500 with the clock where it was.
    return { now: new Date(await moveTo(target)).toISOString() };
  });
  f.get('/v1/simulator/clock', { ...guard, schema: { tags: ['simulator'], ...security, summary: 'The simulated time', response: { 200: clockView, ...refusals, '4xx': errorBody } } }, async () => ({ now: new Date(clock.now()).toISOString() }));
}
