/** src/http/openapi-doc.ts: draft-07 bounds stated as OpenAPI 3.0 states them, and operationIds from method and path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oas30Document, operationIdOf } from '../../../src/http/openapi-doc.js';

const docWith = (schema: unknown, op: Record<string, unknown> = {}) => ({
  openapi: '3.0.3',
  paths: { '/v1/x/{id}': { post: { ...op, parameters: [{ in: 'query', name: 'n', schema }], requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: schema, list: { type: 'array', items: schema } } } } } }, responses: { 200: { description: 'ok', headers: { 'X-N': { schema } }, content: { 'application/json': { schema: { allOf: [schema] } } } } } } } },
});

test('a numeric exclusive bound becomes the inclusive bound with exclusive* true, wherever the schema sits', () => {
  const doc = oas30Document(docWith({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 }));
  const op = doc.paths['/v1/x/{id}'].post;
  const want = { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true };
  assert.deepEqual(op.parameters[0].schema, want);
  const body = op.requestBody.content['application/json'].schema.properties;
  assert.deepEqual(body.a, want);
  assert.deepEqual(body.list.items, want);
  assert.deepEqual(op.responses[200].headers['X-N'].schema, want);
  assert.deepEqual(op.responses[200].content['application/json'].schema.allOf[0], want);
});

test('beside a stricter inclusive bound the exclusive one goes; beside a looser one it wins; OpenAPI 3.0 bounds are left as they are', () => {
  const stricter = oas30Document(docWith({ type: 'integer', minimum: 5, exclusiveMinimum: 1, maximum: 9, exclusiveMaximum: 100 }));
  assert.deepEqual(stricter.paths['/v1/x/{id}'].post.parameters[0].schema, { type: 'integer', minimum: 5, maximum: 9 });
  const looser = oas30Document(docWith({ type: 'number', minimum: 0, exclusiveMinimum: 2 }));
  assert.deepEqual(looser.paths['/v1/x/{id}'].post.parameters[0].schema, { type: 'number', minimum: 2, exclusiveMinimum: true });
  const already = { type: 'number', minimum: 0, exclusiveMinimum: true };
  assert.deepEqual(oas30Document(docWith({ ...already })).paths['/v1/x/{id}'].post.parameters[0].schema, already);
  // a property that happens to be called exclusiveMinimum is a schema, not a bound
  const named = { type: 'object', properties: { exclusiveMinimum: { type: 'number' } } };
  assert.deepEqual(oas30Document(docWith(structuredClone(named))).paths['/v1/x/{id}'].post.parameters[0].schema, named);
});

test('operationIds: method then the path in camelCase, a parameter as By…; one the route names is kept', () => {
  assert.equal(operationIdOf('post', '/v1/messages'), 'postV1Messages');
  assert.equal(operationIdOf('GET', '/v1/messages/{id}'), 'getV1MessagesById');
  assert.equal(operationIdOf('delete', '/v1/content-providers/{id}/api-keys/{keyId}'), 'deleteV1ContentProvidersByIdApiKeysByKeyId');
  assert.equal(operationIdOf('get', '/'), 'getRoot');
  assert.equal(operationIdOf('get', '/healthz'), 'getHealthz');
  const idOf = (doc: { paths: Record<string, { post: object }> }): unknown => (doc.paths['/v1/x/{id}'].post as { operationId?: unknown }).operationId;
  assert.equal(idOf(oas30Document(docWith({ type: 'string' }))), 'postV1XById');
  assert.equal(idOf(oas30Document(docWith({ type: 'string' }, { operationId: 'makeX' }))), 'makeX');
});
