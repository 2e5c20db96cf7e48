/**
 * The HTTP app with every route group `smsguard start` serves (the simulator's and the plugins':
 * content governance, SMPP credentials) over a test gateway's app and store: for tests that hold the
 * whole API to its OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import type { TestGateway } from './gateway.js';
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
