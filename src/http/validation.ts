/**
 * Request validation: JSON bodies are checked strictly (a number where the API wants a string is
 * a client error, the same answer the SMPP and batch paths give); query strings and path params
 * arrive as text, so they are coerced to the declared types.
 */
import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

export function registerValidation(f: FastifyInstance): void {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false });
  const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false });
  for (const a of [strict, coercing]) (addFormats as unknown as (a: Ajv) => void)(a);
  f.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}
