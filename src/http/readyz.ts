/**
 * `GET /readyz`: readiness for a load balancer or an orchestrator (app/readiness.ts), beside the
 * liveness of `/healthz`. No token, as /healthz: a balancer carries none, and the body names checks
 * and carrier link states, never a host, a credential or a message.
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../app/readiness.js';

const check = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    required: { type: 'boolean', description: 'Whether failing this check makes the process not ready; false: reported only (the carrier links)' },
    detail: { type: 'string', description: 'Why the check failed, or what it saw' },
    links: {
      type: 'array', description: 'upstreamLinks only: each carrier link of this process and its state',
      items: { type: 'object', properties: { name: { type: 'string' }, state: { type: 'string', enum: ['bound', 'connecting', 'down', 'closed', 'stopped', 'unknown'] } }, required: ['name', 'state'] },
    },
  },
  required: ['ok', 'required'],
} as const;

const body = (statuses: string[], description: string) => ({
  description,
  type: 'object',
  properties: {
    status: { type: 'string', enum: statuses },
    checks: {
      type: 'object', additionalProperties: check,
      description: 'By name: store (the database answers), queue (NATS connected, with --queue), smppServer (listening, where it runs), upstreamLinks (reported only)',
    },
  },
  required: ['status', 'checks'],
});

export function registerReadyz(f: FastifyInstance, readiness: Readiness): void {
  f.get('/readyz', {
    schema: {
      tags: ['ops'],
      summary: 'Readiness: whether this process can take and keep messages now',
      description: `200 when every required check passes; 503 when one fails (not_ready) or the process is stopping (SIGTERM received: it answers stopping for --stop-delay-ms before its listener closes). A result is kept ${readiness.cacheMs} ms, and a check that does not answer within ${readiness.timeoutMs} ms has failed. Carrier links are reported but never make the process not ready: what is accepted while they are down waits in the durable queue.`,
      response: {
        200: body(['ready'], 'Ready'),
        503: body(['not_ready', 'stopping'], 'Not ready (a required check failed) or stopping'),
      },
    },
  }, async (_req, reply) => {
    const r = await readiness.probe();
    // never cached by a proxy: a balancer must see the state of now
    reply.header('cache-control', 'no-store');
    return reply.code(r.status === 'ready' ? 200 : 503).send(r);
  });
}
