/**
 * Logs never carry full numbers or message text (issue 6, privacy): only the records store holds
 * them. Pino redaction removes known fields; URLs and free text (query strings such as
 * `?msisdn=13800138000`, error messages) are masked as `138****8000` by pattern, since a number can
 * appear anywhere a client puts it.
 */
import { maskMsisdn } from '../domain/msisdn.js';
import { nfkc } from '../domain/text-fold.js';

// A mainland mobile number, bare or with +86 / 86 / 0086 (URL-encoded + too), not inside a longer digit run.
const MOBILE = /(?<!\d)(?:(?:%2B|\+)?86|0086)?(1[3-9]\d{9})(?!\d)/g;

/** Characters or URL escapes of bytes that are not ASCII: where a number in another width may hide. */
const MAY_HIDE = /[^\x00-\x7f]|%[89a-f][0-9a-f]/i;
/** A run of percent-encoded non-ASCII bytes, as a full-width number is in a URL (`%EF%BC%91…` is `１…`). */
const ENCODED_NON_ASCII = /(?:%[89a-f][0-9a-f])+/gi;

function maskAscii(s: string): string {
  return s.replace(MOBILE, (_m, national: string) => maskMsisdn(national));
}

/**
 * Masks every mobile number in a string. The gateway reads numbers after NFKC (msisdn.ts), so a
 * number typed in full width (`１３８００１３８０００`, in a URL `%EF%BC%91%EF%BC%93…`) is a number it
 * accepts and must be masked too: such a string is decoded and folded, and if that reveals a number
 * the folded form is logged, masked. Anything else is logged as it was written.
 */
export function maskNumbers(s: string): string {
  if (!MAY_HIDE.test(s)) return maskAscii(s);
  const decoded = s.includes('%') ? s.replace(ENCODED_NON_ASCII, (m) => { try { return decodeURIComponent(m); } catch { return m; } }) : s;
  const folded = nfkc(decoded);
  const masked = maskAscii(folded);
  return masked === folded ? maskAscii(s) : masked;
}

/** Fields that carry message text or secrets: removed from every log line. */
const REMOVE = ['text', 'finalText', 'body', 'req.headers.authorization', 'req.headers.cookie'];
/** Fields that may carry numbers (or free text that quotes them): kept, with every mobile number masked. */
const MASK = ['msisdn', 'to', 'from', 'msisdns', 'message', 'detail', 'error', 'err'];

export const REDACT_PATHS = [...REMOVE.flatMap((k) => (k.includes('.') ? [k] : [k, `*.${k}`])), ...MASK.flatMap((k) => [k, `*.${k}`])];

/** Masks numbers in every string inside `v` and drops text fields, to a bounded depth. */
function deepMask(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskNumbers(v);
  if (!v || typeof v !== 'object' || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => deepMask(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = REMOVE.includes(k) ? '[redacted]' : deepMask(x, depth + 1);
  return out;
}

/**
 * A log call's own fields, any name: every string masked, text fields dropped, in plain objects and
 * arrays (to a bounded depth). Anything else (an Error, Fastify's request and reply) is left to its
 * serializer, which knows what of it to keep. The redaction list alone let a number through any field
 * it did not name (`reason`, `problem`, a worker thread's fields).
 */
function maskFields(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskNumbers(v);
  if (!v || typeof v !== 'object' || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => maskFields(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = REMOVE.includes(k) ? '[redacted]' : maskFields(x, depth + 1);
  return out;
}

function censor(value: unknown, path: string[]): unknown {
  return MASK.includes(path[path.length - 1]) ? deepMask(value) : '[redacted]';
}

/** pino options for the app logger and the HTTP logger: redaction plus masked URLs and messages. */
export function privateLoggerOptions(level: string): Record<string, unknown> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor },
    serializers: {
      req(req: { method?: string; url?: string; hostname?: string; ip?: string; id?: string }) {
        return { method: req.method, url: req.url ? maskNumbers(req.url) : req.url, hostname: req.hostname, remoteAddress: req.ip };
      },
      err(e: { message?: string; stack?: string; type?: string; code?: string } | string) {
        if (typeof e !== 'object' || e === null) return typeof e === 'string' ? maskNumbers(e) : e;
        return { type: e?.type ?? (e as Error)?.name, code: e?.code, message: e?.message ? maskNumbers(e.message) : e?.message, stack: e?.stack ? maskNumbers(e.stack) : e?.stack };
      },
    },
    hooks: {
      // Masks numbers in the message string itself (e.g. log.info(`sent to ${to}`)) and in every
      // field of the call, whatever its name (maskFields); runs per log line, never per message.
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        for (let i = 0; i < args.length; i++) args[i] = maskFields(args[i]);
        method.apply(this, args);
      },
    },
  };
}
