/**
 * Path parameters and query strings are the one kind of caller's text that reaches the store without
 * passing a use case's `str`: an id, a reference, a filter. A `%00` in one decodes to a NUL, which
 * PostgreSQL refuses even as a query parameter, so the lookup failed with a 500. Checked here once
 * for every route (the API's and the pages'), before any handler runs: `invalid_request` naming the
 * parameter (the API answers it as JSON; the pages' plugin, with its own error handler, as its HTML
 * error page). Bodies are the use cases' to check (src/app/validate.ts), where a batch or a report
 * import refuses only the item that holds one.
 */
import type { FastifyInstance } from 'fastify';
import { storableText } from '../app/validate.js';

function check(values: unknown): void {
  if (!values || typeof values !== 'object') return;
  for (const [k, v] of Object.entries(values)) {
    storableText(k, k);
    for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string') storableText(s, k);
  }
}

export function registerStorableParams(f: FastifyInstance): void {
  // Synchronous, and only for a URL with a percent escape: a NUL can reach a parameter only as `%00`
  // (Node's parser refuses a raw one), and the message path's URLs have none, so the hook costs those
  // requests one string search and no promise. (A lone surrogate cannot arrive at all: its escapes,
  // `%ED%A0%80`, are not UTF-8, and the parsers leave such text escaped; checked all the same.)
  f.addHook('preValidation', (req, _reply, done) => {
    if (req.url.indexOf('%') === -1) return done();
    try {
      check(req.params);
      check(req.query);
    } catch (e) {
      return done(e as Error);
    }
    done();
  });
}
