/**
 * The answers README and docs/*.md show under their curl lines (`# → 202 {…}`) are answers the
 * OpenAPI document allows for that operation: the status is one it documents, and every key shown is
 * one its schema lists (the shown value's `…` stand for values left out). A field renamed or dropped in
 * the code, or a status that changed, leaves the text showing what an integrator will not get.
 * (The answers' values are checked against a running gateway by readme-process.test.ts and
 * walkthrough.test.ts; this covers every example shown, in every document.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { unlisted } from '../helpers/schema-coverage.js';
import { wholeApiSuite } from '../helpers/whole-api.js';

const ROOT = new URL('../../', import.meta.url);

/** One example: the curl line it answers, and the answer as shown. */
interface Shown { where: string; method: string; path: string; status?: number; json?: string }

/** The text from the first `{` to the bracket that closes it (strings respected), or undefined. */
function firstObject(s: string): string | undefined {
  const start = s.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return s.slice(start, i + 1);
  }
  return undefined;
}

/** A shown answer as JSON: `…` outside strings is a value left out (`:…` null, `,…` dropped). */
export function shownJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) { out += c; if (c === '\\') out += text[++i]; else if (c === '"') inString = false; continue; }
    if (c === '"') { inString = true; out += c; continue; }
    if (c === '…') {
      // `,…` before a closing bracket, or `[…` / `{…`: nothing there; `:…`: a value left out
      if (/:\s*$/.test(out)) out += 'null';
      else out = out.replace(/,\s*$/, '');
      continue;
    }
    out += c;
  }
  return JSON.parse(out);
}

export function examples(doc: string, where: string): Shown[] {
  const out: Shown[] = [];
  const lines = doc.split('\n');
  let curl: { method: string; path: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```/.test(line)) { curl = undefined; continue; }
    if (/^\s*curl\s/.test(line)) {
      // the command with its continuation lines
      let cmd = line;
      for (let j = i; /\\\s*$/.test(lines[j]) && j + 1 < lines.length; j++) cmd += ` ${lines[j + 1]}`;
      const url = /(?:localhost|127\.0\.0\.1):8080(\/[^\s'"?]*)/.exec(cmd)?.[1];
      const method = /\s-X\s+([A-Z]+)/.exec(cmd)?.[1] ?? (/\s(-d|--data)\s/.test(cmd) ? 'POST' : 'GET');
      curl = url ? { method, path: url } : undefined;
      continue;
    }
    const arrow = /^#\s*→\s*(.*)$/.exec(line);
    if (!arrow || !curl) continue;
    // the answer with its continuation lines (`#   "…` under it)
    let text = arrow[1];
    for (let j = i + 1; j < lines.length && /^#\s{2,}/.test(lines[j]); j++) text += ` ${lines[j].replace(/^#\s+/, '')}`;
    const status = /^(\d{3})\b/.exec(text)?.[1];
    const json = firstObject(text);
    if (!status && !json) continue;
    out.push({ where: `${where}:${i + 1}`, ...curl, ...(status ? { status: Number(status) } : {}), ...(json ? { json } : {}) });
  }
  return out;
}

const api = wholeApiSuite<{ paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: any }> }> }>> }>();

/** The OpenAPI path a concrete one is (`/v1/content-providers/$CP/callbacks` → `…/{id}/callbacks`): the one with fewest parameters. */
function templateOf(path: string, method: string): string | undefined {
  const candidates = Object.keys(api.spec.paths).filter((t) => api.spec.paths[t]![method.toLowerCase()] && new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  return candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

test('the example extractor reads a curl line, its method and path, and the answer under it', () => {
  const doc = ['```sh', 'curl -s -X DELETE localhost:8080/v1/ports/10690002 -H "$H" \\', '  -d \'{"reason":"x"}\'', '# → 200 {"number":"10690002",…,"retiredAt":…,"x":[1,…]}   prose', '#      after', '```'].join('\n');
  const [e] = examples(doc, 'doc');
  assert.deepEqual({ ...e, json: shownJson(e!.json!) }, { where: 'doc:4', method: 'DELETE', path: '/v1/ports/10690002', status: 200, json: { number: '10690002', retiredAt: null, x: [1] } });
  assert.equal(examples('```\ncurl -s localhost:8080/v1/usage\n# → {"usage":[]}\n```', 'd')[0]!.method, 'GET');
});

test('every answer README and docs/*.md show is one the OpenAPI document allows: its status documented, every key listed', () => {
  const docs = [['README.md', new URL('README.md', ROOT)], ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).map((f) => [`docs/${f}`, new URL(`docs/${f}`, ROOT)] as const)] as const;
  const shown = docs.flatMap(([name, url]) => examples(readFileSync(url, 'utf8'), name));
  assert.ok(shown.length >= 15, `examples found: ${shown.length}`);
  const wrong: string[] = [];
  for (const e of shown) {
    const template = templateOf(e.path, e.method);
    if (!template) { wrong.push(`${e.where}: ${e.method} ${e.path} is no documented operation`); continue; }
    const responses = api.spec.paths[template]![e.method.toLowerCase()]!.responses ?? {};
    const status = e.status ?? Number(Object.keys(responses).find((c) => /^2\d\d$/.test(c)));
    const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    if (!documented) { wrong.push(`${e.where}: ${e.method} ${template} answers ${status}, which the document does not list`); continue; }
    if (!e.json) continue;
    let value: unknown;
    try { value = shownJson(e.json); } catch (err) { wrong.push(`${e.where}: the answer shown is not JSON: ${(err as Error).message}`); continue; }
    const schema = documented.content?.['application/json']?.schema;
    for (const k of unlisted(schema, value)) wrong.push(`${e.where}: ${e.method} ${template} ${status}: ${k} is not in the documented schema`);
  }
  assert.deepEqual(wrong, []);
});

test('every operation README and docs/*.md name (`POST /v1/…`) is one the gateway documents and serves', () => {
  const wrong: string[] = [];
  let named = 0;
  for (const name of ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]) {
    const text = readFileSync(new URL(name, ROOT), 'utf8');
    for (const m of text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/v1\/[^\s`'"),;?[*]*)/g)) {
      named++;
      const path = m[2]!.replace(/[.…:]+$/, '');
      if (!templateOf(path, m[1]!)) wrong.push(`${name}: ${m[1]} ${path}`);
    }
  }
  assert.ok(named > 100, String(named));
  assert.deepEqual(wrong, []);
});

/** `# → …` answers in a fenced block with no command before them in that block: shown, but answering nothing a reader can run. */
export function orphanAnswers(doc: string, where: string): string[] {
  const out: string[] = [];
  let fenced = false;
  let command = false;
  doc.split('\n').forEach((line, i) => {
    if (/^```/.test(line)) { fenced = !fenced; command = false; return; }
    if (!fenced) return;
    if (/^\s*(curl|smsguard|npx|node|npm)\s/.test(line)) command = true;
    if (/^#\s*→/.test(line) && !command) out.push(`${where}:${i + 1}: ${line.slice(0, 80)}`);
  });
  return out;
}

test('every answer README and docs/*.md show under `# →` follows the command it answers in its block (one without was checked against nothing)', () => {
  // The README's "second code … is refused" showed a 422 under no curl line: the walkthrough's reader
  // had nothing to run, and the check above, which pairs an answer with the curl before it, skipped it.
  assert.deepEqual(orphanAnswers('```sh\n# → 422 {"error":{}}\n```\n```sh\ncurl -s localhost:8080/v1/usage\n# → {"usage":[]}\n```', 'd'), ['d:2: # → 422 {"error":{}}']);
  const docs = ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  assert.deepEqual(docs.flatMap((name) => orphanAnswers(readFileSync(new URL(name, ROOT), 'utf8'), name)), []);
});
