/**
 * For response-schema tests: the schema serializer drops whatever a route's schema does not list,
 * so a test compares the HTTP body with the use case's value, and checks here that the OpenAPI
 * document at /docs/json lists every key that value holds.
 */
import type { FastifyInstance } from 'fastify';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: boolean | Schema; anyOf?: Schema[]; oneOf?: Schema[] };

/**
 * The paths of keys in `value` that `schema` does not list (empty: all listed). An object whose
 * schema has `additionalProperties: true` is taken whole (evidence recorded as given).
 */
export function unlisted(schema: Schema | undefined, value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (!schema) return [path];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // the alternative that lists most of the value
    return alternatives.map((s) => unlisted(s, value, path)).sort((a, b) => a.length - b.length)[0] ?? [path];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unlisted(schema.items, v, `${path}[${i}]`));
  if (schema.additionalProperties === true && !schema.properties) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const s = schema.properties?.[k];
    if (!s) {
      if (schema.additionalProperties !== true) out.push(`${path}.${k}`);
      continue;
    }
    out.push(...unlisted(s, v, `${path}.${k}`));
  }
  return out;
}

/** A route's response schema as /docs/json lists it (OpenAPI path spelling: `/v1/cases/{id}`). */
export async function documentedResponse(http: FastifyInstance, path: string, code = '200', method = 'get'): Promise<Schema | undefined> {
  const spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
  return spec.paths[path]?.[method]?.responses?.[code]?.content?.['application/json']?.schema;
}

/** The same value as JSON would carry it (what a body without a response schema would be). */
export const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
