/**
 * The OpenAPI document integrators generate clients from (GET /docs/json) is a valid document: it
 * validates, every error listed, against the OpenAPI Specification's own JSON Schema for the version
 * it declares (@seriousme/openapi-schema-validator, offline); its path templates and parameters agree
 * and every operation has a unique operationId (what the JSON Schema cannot say and generators need);
 * and openapi-typescript turns it into types that a small typed use of POST /v1/messages compiles
 * against under the project's strict tsc settings. The document's rewrites (src/http/openapi-doc.ts)
 * leave what the API takes as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS from 'openapi-typescript';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { wholeApiSuite } from '../helpers/whole-api.js';
import { operationIdOf } from '../../src/http/openapi-doc.js';

type Param = { in: string; name: string; required?: boolean };
type Op = { operationId?: string; parameters?: Param[] };
type Spec = { openapi: string; paths: Record<string, Record<string, Op>> };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const api = wholeApiSuite<Spec>();

const operations = (): { method: string; path: string; op: Op }[] =>
  Object.entries(api.spec.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => METHODS.has(m)).map(([method, op]) => ({ method, path, op })));

test('the document validates against the OpenAPI JSON Schema of the version it declares, every error listed', async () => {
  assert.match(api.spec.openapi, /^3\.0\.\d+$/, 'the document declares OpenAPI 3.0.x');
  const validator = new Validator({ allErrors: true });
  const res = await validator.validate(structuredClone(api.spec));
  const errors = (Array.isArray(res.errors) ? res.errors : res.errors ? [res.errors] : []) as { instancePath?: string; keyword?: string; message?: string; params?: unknown }[];
  assert.equal(res.valid, true, `${errors.length} error(s):\n${errors.map((e) => `${e.instancePath} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`).join('\n')}`);
  assert.equal(validator.version, api.spec.openapi.split('.').slice(0, 2).join('.'), 'validated as the version it declares');
  // every internal reference resolves (the JSON Schema does not follow them)
  assert.doesNotThrow(() => validator.resolveRefs());
});

test('path templates and path parameters agree, each path parameter required', () => {
  const wrong: string[] = [];
  for (const { method, path, op } of operations()) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
    if (JSON.stringify(declared.map((p) => p.name).sort()) !== JSON.stringify(templated)) wrong.push(`${method.toUpperCase()} ${path}: declares ${declared.map((p) => p.name).join(', ') || 'none'}`);
    for (const p of declared) if (p.required !== true) wrong.push(`${method.toUpperCase()} ${path}: ${p.name} not required`);
  }
  assert.deepEqual(wrong, []);
});

test('every operation has an operationId, unique, a plain identifier derived from its method and path', () => {
  const ops = operations();
  assert.ok(ops.length > 50, `${ops.length} operations`);
  const missing = ops.filter(({ op }) => typeof op.operationId !== 'string').map(({ method, path }) => `${method.toUpperCase()} ${path}`);
  assert.deepEqual(missing, [], 'operations without an operationId');
  const seen = new Map<string, string>();
  const dup: string[] = [];
  for (const { method, path, op } of ops) {
    const id = op.operationId as string;
    assert.match(id, /^[a-z][A-Za-z0-9]*$/, `${method.toUpperCase()} ${path}: ${id}`);
    assert.equal(id, operationIdOf(method, path), `${method.toUpperCase()} ${path}`);
    if (seen.has(id)) dup.push(`${id}: ${seen.get(id)} and ${method.toUpperCase()} ${path}`);
    seen.set(id, `${method.toUpperCase()} ${path}`);
  }
  assert.deepEqual(dup, [], 'operationIds used twice');
  // names generated clients call: they change only with the path
  assert.equal(api.spec.paths['/v1/messages'].post.operationId, 'postV1Messages');
  assert.equal(api.spec.paths['/v1/messages/{id}'].get.operationId, 'getV1MessagesById');
  assert.equal(api.spec.paths['/'].get.operationId, 'getRoot');
  assert.equal(operationIdOf('delete', '/v1/content-providers/{id}/api-keys/{keyId}'), 'deleteV1ContentProvidersByIdApiKeysByKeyId');
});

test('openapi-typescript generates types from the document, and a typed use of POST /v1/messages compiles under strict tsc', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-openapi-ts-'));
  try {
    writeFileSync(join(dir, 'api.ts'), await openapiTS(structuredClone(api.spec) as never));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(dir, 'use.ts'), `
import type { paths, operations } from './api.js';
type Submit = paths['/v1/messages']['post'];
type SubmitBody = Submit['requestBody']['content']['application/json'];
type Accepted = Submit['responses'][202]['content']['application/json'];
export const body: SubmitBody = { from: '10690001', to: '+8613800138000', text: '【示例】您的验证码是123456', type: 'verification', clientRef: 'ord-1' };
// the type is the documented enum, not a string of any kind
// @ts-expect-error 'marketing' is not a message type
export const wrong: SubmitBody = { from: '10690001', to: '+8613800138000', text: 'x', type: 'marketing' };
export function idOf(a: Accepted): string | undefined { return a.id; }
export const sameOp: operations['postV1Messages'] extends Submit ? true : false = true;
`);
    // the project's compiler options (strict and the rest), on these two files alone
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions: { types: [], noEmit: true }, files: ['api.ts', 'use.ts'], include: [] }));
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      assert.fail(`tsc refused the generated types or their use:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the document's rewrite leaves requests validated as before: throughput is still > 0, not >= 0", async () => {
  const schema = (api.spec.paths['/v1/content-providers/{id}/smpp-credentials'].post as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } } }).requestBody.content['application/json'].schema;
  assert.deepEqual({ ...(schema.properties.throughput as object), description: undefined }, { type: 'number', minimum: 0, exclusiveMinimum: true, description: undefined });
  const cp = await onboard(api.g);
  const create = (systemId: string, throughput: number) => api.http.inject({
    method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { systemId, password: 'secret12', throughput },
  });
  const zero = await create('esme-zero', 0);
  assert.equal(zero.statusCode, 400, zero.body);
  assert.equal(zero.json().error.code, 'invalid_request');
  const half = await create('esme-half', 0.5);
  assert.equal(half.statusCode, 201, half.body);
});
