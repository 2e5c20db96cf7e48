/** Content governance on a test gateway, for the suites that need templates and the content routes. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { contentRoutes } from '../../src/http/routes/content.js';
import type { Provider, TestGateway } from './gateway.js';

/**
 * Installs content governance on `g`'s app and builds an HTTP app over the same app with the content
 * routes, which the test gateway's own HTTP app has not. The caller closes `http`.
 */
export async function installContent(g: TestGateway): Promise<{ gov: ContentGovernance; http: FastifyInstance }> {
  const gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db));
  const http = await buildHttpApp({ app: g.app, simulator: g.simulator, simulatedClock: g.clock, metrics: createMetrics(g.app), plugins: [contentRoutes(gov)] });
  return { gov, http };
}

/**
 * `cp`'s parcel-notice template (`您的快递已到达${place:text(10)}，请及时领取。`, signature 【示例】),
 * submitted (pending), approved by the operator, with templates made `preferred` for `cp`, so its
 * messages matching the template are sent under it. Returns the template's id.
 */
export async function preferredParcelTemplate(http: FastifyInstance, g: TestGateway, cp: Provider): Promise<string> {
  const t = await http.inject({ method: 'POST', url: '/v1/templates', headers: cp.auth, payload: { signature: '【示例】', type: 'notification', body: '您的快递已到达${place:text(10)}，请及时领取。' } });
  assert.equal(t.json().status, 'pending', t.body);
  const id = t.json().id as string;
  assert.equal((await http.inject({ method: 'POST', url: `/v1/templates/${id}/review`, headers: g.admin, payload: { decision: 'approve' } })).json().status, 'approved');
  assert.equal((await http.inject({ method: 'PUT', url: `/v1/content-providers/${cp.id}/content-settings`, headers: g.admin, payload: { templates: 'preferred' } })).statusCode, 200);
  return id;
}
