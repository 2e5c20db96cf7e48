/**
 * The HTTP app with every route group `smsguard start` serves (the simulator's and the plugins':
 * content governance, SMPP credentials) over a test gateway's app and store: for tests that hold the
 * whole API to its OpenAPI document.
 */
import { before, after } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, type TestGateway } from './gateway.js';
import { buildHttpApp } from '../../src/http/app.js';
import { contentRoutes } from '../../src/http/routes/content.js';
import { smppCredentialRoutes } from '../../src/http/routes/smpp-credentials.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { SmppCredentials } from '../../src/smpp/server/credentials.js';

export async function wholeApiApp(g: TestGateway): Promise<FastifyInstance> {
  const gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db), {});
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(g.store.db), contentProviderExists: async () => true, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred') });
  return buildHttpApp({ app: g.app, simulator: g.simulator, simulatedClock: g.clock, plugins: [contentRoutes(gov), smppCredentialRoutes(creds)] });
}

/** What {@link wholeApiSuite} gives a test file once its `before` has run. */
export interface WholeApi<S> {
  readonly g: TestGateway;
  readonly http: FastifyInstance;
  /** The served OpenAPI document (GET /docs/json). */
  readonly spec: S;
}

/**
 * For a test file: a test gateway and {@link wholeApiApp} over it started before its tests (then
 * `setup`, e.g. onboarding), the served OpenAPI document read, both closed after. Read the fields in
 * tests, not at load time.
 */
export function wholeApiSuite<S = unknown>(setup?: (g: TestGateway) => Promise<void>): WholeApi<S> {
  const s = {} as { g: TestGateway; http: FastifyInstance; spec: S };
  before(async () => {
    s.g = await startTestGateway();
    s.http = await wholeApiApp(s.g);
    s.spec = (await s.http.inject({ method: 'GET', url: '/docs/json' })).json() as S;
    await setup?.(s.g);
  });
  after(async () => {
    await s.http?.close();
    await s.g?.close();
  });
  return s;
}
