/**
 * Bench child processes from bundles: `npm run bench` starts a dozen or more gateway, sink and load
 * processes, and under tsx each spends ~1.4 s loading and compiling its TypeScript modules one by one
 * through the loader thread before it does anything (a PostgreSQL+NATS gateway: ready 2.1–2.3 s after
 * spawn under tsx, 1.3–1.4 s from a bundle, measured 2026-12-04). The figures are taken after start-up,
 * so this changes no figure, only how long a run takes (issue 2: `--quick` within a minute).
 *
 * `bench/run.ts` bundles the entries below once per run with esbuild (already a dependency: the
 * worker threads bundle their entries the same way, src/runtime/worker-script.ts) into
 * `node_modules/.cache/smsguard-bench/<pid>/` (removed when the run ends), and hands the folder to its group processes in
 * SMSGUARD_BENCH_BUNDLES; `entryArgv` (bench/proc.ts) then starts the bundle instead of the
 * TypeScript. Packages stay outside the bundle, resolved from the repository's node_modules as usual.
 * `import.meta.url` is replaced in each source file by that file's own URL, so the paths the code
 * derives from it (migrations, the classifier model, the native extension, worker entries) stay
 * right. The `smsguard` command itself (bin/smsguard.js, used by the spine and Kannel groups'
 * gateways and simulator) still runs through tsx as users run it. SMSGUARD_BENCH_BUNDLE=off, or
 * SMSGUARD_BENCH_PROFILE (profiles then name the source files), keeps every child on tsx.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The bench's own child-process entry points, relative to the repository root. */
export const BUNDLED_ENTRIES: readonly string[] = [
  'bench/smpp-gateway.ts', 'bench/smpp-sink.ts', 'bench/smpp-load.ts', 'bench/scale-gateway.ts', 'bench/load/http-batch-client.ts',
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles BUNDLED_ENTRIES into `outdir` (one `.mjs` per entry, same relative path; inside the
 * repository, so that packages resolve from its node_modules). Resolves to the
 * folder, or null (with the reason on stderr) if esbuild is missing or fails: callers fall back to tsx.
 */
export async function bundleEntries(outdir: string): Promise<string | null> {
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: ROOT, entryPoints: [...BUNDLED_ENTRIES], outbase: ROOT, outdir, outExtension: { '.js': '.mjs' },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent',
      plugins: [{
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (a) => {
            const src = readFileSync(a.path, 'utf8');
            return { contents: src.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)), loader: 'ts' };
          });
        },
      }],
    });
    return outdir;
  } catch (e) {
    process.stderr.write(`[bench] children run under tsx: bundling failed: ${(e as Error).message}\n`);
    return null;
  }
}
