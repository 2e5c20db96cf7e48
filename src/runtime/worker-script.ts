/**
 * Worker threads started from a TypeScript entry point, cheaply.
 *
 * smsguard runs its TypeScript through tsx with no build step. A worker booted the same way pays for
 * tsx's loader and compiles every module it imports before doing any work: ~200-260 ms of CPU per
 * worker here (measured). `records verify` starts a worker per call and the whole verify of a million
 * records takes about a second, so that start-up was a tenth of it. Instead the entry is bundled once
 * per process by esbuild (the compiler tsx itself uses) into one CommonJS script, which the worker
 * evaluates: ~50 ms of CPU. Packages stay outside the bundle and are loaded by Node as usual (a native
 * module like better-sqlite3 cannot be bundled anyway), resolved from the entry's own folder.
 *
 * Only for entries whose module tree does not read `import.meta` while loading (a CommonJS bundle has
 * none). If esbuild is missing or fails, `workerScript` returns null and the caller boots through tsx;
 * `useWorkerBundles(false)` does the same on purpose (tests run that path with it; the configuration's
 * `workerBundle`, SMSGUARD_WORKER_BUNDLE=off, sets it for a process: src/main.ts).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string | null>();
let bundles = true;

/** Whether worker entries are bundled (true, the default) or booted through tsx (false); for the whole process. */
export function useWorkerBundles(on: boolean): void {
  bundles = on;
}

/** The bundled script for a TypeScript worker entry (cached per process), or null if it cannot be built. */
export function workerScript(entry: URL): string | null {
  if (!bundles) return null;
  const key = entry.href;
  if (cache.has(key)) return cache.get(key)!;
  let code: string | null = null;
  try {
    const file = fileURLToPath(entry);
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [file], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent',
    });
    // An eval'd worker's require() resolves from the working directory: make it resolve from the
    // entry's folder instead (`var` may shadow the module wrapper's parameter; `const` may not).
    const text = out.outputFiles[0].text;
    const strict = text.startsWith('"use strict";\n') ? '"use strict";\n' : '';
    code = `${strict}var require = require('node:module').createRequire(${JSON.stringify(file)});\n${text.slice(strict.length)}`;
  } catch {
    code = null;
  }
  cache.set(key, code);
  return code;
}
