/**
 * The dependency rule of docs/ARCHITECTURE.md ("Layout"), checked on the source text: the pure core
 * (src/domain, src/profiles, src/pipeline, src/content but for its two file loaders, and the SMPP
 * codec and session state machine in src/smpp/pdu and src/smpp/session) imports
 * nothing from the layers around it (app, ports, store, http, smpp, web, queue, cli…), no Node
 * module that does I/O, and never reads the clock, the environment or a random source: time and
 * facts arrive as arguments. A violation fails here rather than in review.
 *
 * Beyond the core, the store adapters take only types from app, pipeline and content, and the
 * doors (http, web, smpp, queue) import no store.
 *
 * Across all of src, only the configuration loader and the entry point read the environment: every
 * setting goes through the validated, frozen configuration and is passed in (the SQLite store's
 * tuning at open, src/config/sqlite-tuning.ts), so none is read unchecked, undocumented, at open.
 *
 * A scanner and not the compiler, because TypeScript has no rule for "this folder may not import
 * that one". It strips comments and the contents of strings first, so prose naming `Date.now()` is
 * not a call, and resolves each relative import to the src folder it lands in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const SRC = join(ROOT, 'src');

/**
 * What each pure folder (a path under src) may import from: folders, or single files of src/runtime
 * that are plain data structures (itself included).
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['domain'],
  profiles: ['profiles', 'domain'],
  pipeline: ['pipeline', 'domain', 'profiles'],
  content: ['content', 'domain', 'pipeline'],
  // The SMPP codec and session state machine, tested without a socket (docs/SMPP.md): the session's
  // throughput is the domain's token bucket, its queues a FIFO and a slot map.
  'smpp/pdu': ['smpp/pdu'],
  'smpp/session': ['smpp/session', 'smpp/pdu', 'domain/rate-limiter.js', 'runtime/fifo.js', 'runtime/slot-map.js'],
};
/** The pure folder `rel` (a path under src, with /) lies in. */
const pureFolder = (rel: string): string => Object.keys(MAY_IMPORT).filter((k) => rel.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
const within = (target: string, allowed: readonly string[]): boolean => allowed.some((a) => target === a || target.startsWith(`${a}/`));

/** Node modules the core may import: hashing and HMAC only (its random functions are caught below). */
const PURE_BUILTINS = new Set(['crypto']);

/**
 * Known exceptions, each with its reason. src/content's loaders read the lexicon, policy and
 * classifier files named in the config: the matcher, classifier and stages they feed stay pure.
 */
const EXCEPTIONS: Record<string, readonly string[]> = {
  'content/load.ts': ['node:fs'],
  'content/default-classifier.ts': ['node:fs'],
};

/** Impure reads, on source with comments and string contents blanked. */
const IMPURE_CALLS: readonly [RegExp, string][] = [
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bnew\s+Date\s*(?:\(\s*\)|(?![\s(]))/, 'new Date() without an argument'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bperformance\s*\.\s*now\b/, 'performance.now'],
  [/\bprocess\s*\.\s*(?:env|hrtime|uptime|argv)\b/, 'process.env/hrtime/uptime/argv'],
  [/\b(?:randomBytes|randomUUID|randomInt|getRandomValues|randomFillSync|randomFill)\b/, 'a random source'],
];

const files = (dir: string): string[] => readdirSync(dir).sort().flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});

/**
 * The source with comments removed (newlines kept, so line numbers hold) and regex literals blanked;
 * unless `keepStrings`, the text of every string and template is blanked too (kept: the quotes and
 * the code of `${…}`).
 */
export function stripped(src: string, keepStrings: boolean): string {
  let out = '';
  let i = 0;
  const braces: number[] = []; // per open template `${`: the brace depth at which it closes
  let depth = 0;
  let last = ''; // the last token before i: an identifier or one punctuation character
  const regexMayStart = (): boolean => last === '' || /^[(,=:[!&|?{};+\-*%<>~^]$/.test(last) || /^(?:return|typeof|case|do|else|in|of|void|yield|await|delete|throw|new)$/.test(last);
  const text = (ch: string): void => { out += keepStrings || ch === '\n' ? ch : ' '; };
  const template = (): void => { // from the char after ` (or after the } that closes a ${)
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') { text(c); text(src[i + 1] ?? ''); i += 2; continue; }
      if (c === '`') { out += '`'; i++; return; }
      if (c === '$' && src[i + 1] === '{') { out += '${'; i += 2; braces.push(depth); depth++; last = '{'; return; }
      text(c); i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '/' && n === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end < 0 ? src.length : end + 2);
      out += body.replace(/[^\n]/g, ' '); i += body.length; continue;
    }
    if (c === '\'' || c === '"') {
      out += c; i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') { text(src[i]); i++; }
        text(src[i]); i++;
      }
      if (src[i] === c) { out += c; i++; }
      last = c; continue;
    }
    if (c === '`') { out += '`'; i++; template(); last = '`'; continue; }
    if (c === '/' && regexMayStart()) {
      let inClass = false;
      i++;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      out += '/ /'; i++; last = '/'; continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      depth--;
      if (braces.length && braces[braces.length - 1] === depth) { braces.pop(); out += '}'; i++; template(); last = '`'; continue; }
    }
    if (/[\w$]/.test(c)) {
      let j = i;
      while (j < src.length && /[\w$]/.test(src[j])) j++;
      last = src.slice(i, j); out += last; i = j; continue;
    }
    out += c; i++;
    if (!/\s/.test(c)) last = c;
  }
  return out;
}

/** Every module a file names (static and type imports, re-exports, import(), require()), and whether only types are taken. */
export function imports(src: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of stripped(src, true).matchAll(/\b(?:import|export)\b(\s+type\b)?([^'"`;]*?)\bfrom\s*(['"])([^'"]+)\3|\bimport\s*(['"])([^'"]+)\5|\b(?:import|require)\s*\(\s*(['"])([^'"]+)\7\s*\)/g)) {
    const inline = /^\s*\{([^}]*)\}\s*$/.exec(m[2] ?? '');
    const typeOnly = m[1] !== undefined || (inline !== null && inline[1].split(',').map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith('type ')));
    found.push({ spec: m[4] ?? m[6] ?? m[8], typeOnly: m[4] !== undefined && typeOnly });
  }
  return found;
}

/** Every module specifier a file names. */
export function specifiers(src: string): string[] {
  return imports(src).map((i) => i.spec);
}

/**
 * The layout's rules beyond the pure core: the store adapters take only types from the layers whose
 * contracts the ports speak (app, pipeline, content) and nothing from a door; the doors never reach a
 * store but through the app and its ports.
 */
const EDGE_RULES: readonly { from: readonly string[]; to: readonly string[]; typesAllowed: boolean }[] = [
  { from: ['store'], to: ['app', 'pipeline', 'content'], typesAllowed: true },
  { from: ['store'], to: ['http', 'smpp', 'web', 'queue', 'cli', 'main.ts'], typesAllowed: false },
  { from: ['http', 'web', 'smpp', 'queue'], to: ['store'], typesAllowed: false },
];

/** Breaches of {@link EDGE_RULES} in one file (absolute path), as `path: why` lines. */
function edgeViolations(file: string, src: string): string[] {
  const rel = relative(SRC, file).split(sep).join('/');
  const folder = rel.split('/')[0];
  const out: string[] = [];
  for (const { spec, typeOnly } of imports(src)) {
    if (!spec.startsWith('.')) continue;
    const target = relative(SRC, resolve(dirname(file), spec)).split(sep).join('/');
    const top = target.split('/')[0];
    for (const r of EDGE_RULES) {
      if (!r.from.includes(folder) || !r.to.includes(top) || (r.typesAllowed && typeOnly)) continue;
      out.push(`src/${rel}: imports ${r.typesAllowed ? 'a value from ' : ''}src/${target}`);
    }
  }
  return out;
}

/** Why `spec`, imported by `file` (absolute) in core folder `folder`, breaks the rule; null if it does not. */
function importViolation(file: string, folder: string, spec: string): string | null {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(SRC + sep)) {
      return folder === 'content' && relative(ROOT, target).startsWith(`data${sep}`) ? null : `imports ${relative(ROOT, target)} outside src`;
    }
    return within(relative(SRC, target).split(sep).join('/'), MAY_IMPORT[folder]) ? null : `imports src/${relative(SRC, target)} (${folder} may import ${MAY_IMPORT[folder].join(', ')})`;
  }
  const bare = spec.replace(/^node:/, '').split('/')[0];
  if (spec.startsWith('node:') || builtinModules.includes(bare)) {
    return PURE_BUILTINS.has(bare) ? null : `imports ${spec}, a Node module for I/O or the process`;
  }
  return null;
}

/** Every breach of the rule in one file of a core folder, as `path: why` lines. */
function violations(file: string, src: string): string[] {
  const rel = relative(SRC, file).split(sep).join('/');
  const folder = pureFolder(rel);
  const allowed = EXCEPTIONS[rel] ?? [];
  const out: string[] = [];
  for (const spec of specifiers(src)) {
    if (allowed.includes(spec)) continue;
    const why = importViolation(file, folder, spec);
    if (why) out.push(`src/${rel}: ${why}`);
  }
  const code = stripped(src, false);
  for (const [re, what] of IMPURE_CALLS) {
    const m = re.exec(code);
    if (m) out.push(`src/${rel}:${code.slice(0, m.index).split('\n').length}: reads ${what}`);
  }
  return out;
}

test('the pure core and the SMPP codec and session import only what the layout allows and read no clock, environment or random source', () => {
  const found: string[] = [];
  let scanned = 0;
  for (const folder of Object.keys(MAY_IMPORT)) {
    for (const f of files(join(SRC, folder))) {
      scanned++;
      found.push(...violations(f, readFileSync(f, 'utf8')));
    }
  }
  assert.ok(scanned > 50, `scanned only ${scanned} files: has the layout moved?`);
  assert.deepEqual(found, []);
});

test('the store adapters take only types from app, pipeline and content; no door imports a store', () => {
  const found: string[] = [];
  for (const folder of ['store', 'http', 'web', 'smpp', 'queue']) {
    for (const f of files(join(SRC, folder))) found.push(...edgeViolations(f, readFileSync(f, 'utf8')));
  }
  assert.deepEqual(found, []);
});

test('every listed exception still exists and still needs its exception', () => {
  for (const [rel, specs] of Object.entries(EXCEPTIONS)) {
    const src = readFileSync(join(SRC, rel), 'utf8');
    for (const spec of specs) assert.ok(specifiers(src).includes(spec), `src/${rel} no longer imports ${spec}: drop its exception`);
  }
});

test('the scanner sees each kind of breach, and not the same words in comments or strings', () => {
  const file = join(SRC, 'domain', 'example.ts');
  const bad = [
    "import type { X } from '../app/types.js';",
    "export { y } from '../store/sqlite/db.js';",
    "import {\n  a,\n  b,\n} from '../http/app.js';",
    "import 'node:net';",
    "const fs = await import('node:fs');",
    "import { spawn } from 'child_process';",
    'const t = Date.now();',
    'const d = new Date();',
    'const d2 = new Date;',
    'const r = Math.random();',
    'const e = process.env.X;',
    "import { randomUUID } from 'node:crypto'; const id = randomUUID();",
    'const s = `${Date.now()}`;',
  ];
  for (const line of bad) assert.notDeepEqual(violations(file, line), [], line);
  const fine = [
    "import { createHash } from 'node:crypto';",
    "import type { Msisdn } from './msisdn.js';",
    "import { parsePhoneNumber } from 'libphonenumber-js/max';",
    'const d = new Date(at).toISOString();',
    'const d = new Date(Date.UTC(y, m, 1));',
    '// Date.now() is never read here\nconst a = 1;',
    '/* Math.random() */ const b = 2;',
    "const m = 'the caller passes Date.now()';",
    'const t = `at ${new Date(at).toISOString()} not Date.now()`;',
    "const re = /'/g; const c = Math.max(1, 2);",
    "const s = 'a // b'; import { x } from './x.js';",
    "const g = 'src/**/*.ts'; const h = 1;",
    'return /\\/\\*/.test(s) ? a / b : Date.UTC(1, 2);',
  ];
  for (const line of fine) assert.deepEqual(violations(file, line), [], line);
  const pipeline = join(SRC, 'pipeline', 'stages', 'example.ts');
  assert.deepEqual(violations(pipeline, "import type { Profile } from '../../profiles/types.js';"), []);
  assert.notDeepEqual(violations(pipeline, "import { loadContentFiles } from '../../content/load.js';"), []);
  assert.notDeepEqual(violations(join(SRC, 'profiles', 'x.ts'), "import { p } from '../pipeline/types.js';"), []);
  const session = join(SRC, 'smpp', 'session', 'example.ts');
  assert.deepEqual(violations(session, "import { Fifo } from '../../runtime/fifo.js'; import { encode } from '../pdu/codec.js';"), []);
  assert.notDeepEqual(violations(session, "import { Heartbeat } from '../../runtime/heartbeat.js';"), []);
  assert.notDeepEqual(violations(session, "import { Connection } from '../transport/connection.js';"), []);
  assert.notDeepEqual(violations(join(SRC, 'smpp', 'pdu', 'example.ts'), "import { Session } from '../session/session.js';"), []);
  const store = join(SRC, 'store', 'sqlite', 'example.ts');
  for (const ok of ["import type { Decision } from '../../pipeline/types.js';", "import { type A, type B } from '../../app/types.js';", "export type { S } from '../../content/early-warning.js';", "import { pickConsent } from '../../domain/consent.js';"]) {
    assert.deepEqual(edgeViolations(store, ok), [], ok);
  }
  for (const bad of ["import { periodMs } from '../../pipeline/stages/commercial.js';", "import { type A, b } from '../../app/types.js';", "import type { X } from '../../http/app.js';", "const m = await import('../../app/app.js');"]) {
    assert.notDeepEqual(edgeViolations(store, bad), [], bad);
  }
  assert.notDeepEqual(edgeViolations(join(SRC, 'http', 'routes', 'example.ts'), "import type { Db } from '../../store/sqlite/db.js';"), []);
});

/**
 * The files of src that may read `process.env`, each with its reason: the configuration loader
 * (loadConfig's default argument), and the entry point, which hands the environment to it and to the
 * content-file loader and reads the admin token it passes on.
 */
const ENV_READERS: Readonly<Record<string, string>> = {
  'config/schema.ts': 'loadConfig(flags, env = process.env)',
  'main.ts': 'the entry point: the admin token and loadContentConfig(process.env)',
};
/**
 * A read of the environment, on source with comments and string contents blanked: `process.env`,
 * `process[…]`, `process` taken whole (`const { env } = process`), or an import of node:process.
 */
const readsEnv = (src: string): boolean => {
  const code = stripped(src, false);
  return /\bprocess\s*(?:\.\s*env\b|\[)/.test(code) || /=\s*process\s*[;,)\n]/.test(code) || specifiers(src).some((s) => s === 'process' || s === 'node:process');
};

test('no file of src reads the environment but the configuration loader and the entry point', () => {
  const found: string[] = [];
  let scanned = 0;
  for (const f of files(SRC)) {
    scanned++;
    const rel = relative(SRC, f).split(sep).join('/');
    if (readsEnv(readFileSync(f, 'utf8')) && !(rel in ENV_READERS)) found.push(`src/${rel}`);
  }
  assert.ok(scanned > 300, `scanned only ${scanned} files`);
  assert.deepEqual(found, [], 'reads process.env: take the setting from the configuration (src/config/schema.ts) and pass it in');
  for (const rel of Object.keys(ENV_READERS)) assert.ok(readsEnv(readFileSync(join(SRC, rel), 'utf8')), `src/${rel} no longer reads the environment: drop it from ENV_READERS`);
});

test('the environment scanner sees each way of reading it, and not the words in comments or strings', () => {
  for (const bad of ['const s = process.env.SMSGUARD_SQLITE_SYNC;', "const t = process['env'].X;", 'const { env } = process; const u = process . env;', "import { env } from 'node:process';"]) assert.ok(readsEnv(bad), bad);
  for (const fine of ['// process.env.SMSGUARD_SQLITE_SYNC is read by the configuration', "const m = 'set SMSGUARD_RECORDS_THREAD in process.env';", 'const e = opts.env;']) assert.ok(!readsEnv(fine), fine);
});
