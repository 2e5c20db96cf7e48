/**
 * Bench child processes from bundles, as the `smsguard` command loads from its own (bin/bundle.js):
 * `npm run bench` starts a process per group and a dozen or more gateway, sink and load processes,
 * and under tsx each spent ~1.4 s compiling its TypeScript modules one by one through the loader
 * thread before doing anything (a PostgreSQL+NATS gateway: ready 2.1–2.3 s after spawn under tsx,
 * 1.3–1.4 s from a bundle, measured 2026-12-04). Bundled, the code the bench measures is also the
 * code users run: the same esbuild output, without the `__name` wrappers tsx adds around every
 * function it compiles.
 *
 * `bench/run.ts` bundles the entries below once per run into
 * `node_modules/.cache/smsguard-bench/<pid>/` (removed when the run ends) and hands the folder to
 * its group processes in SMSGUARD_BENCH_BUNDLES; `entryArgv` (bench/proc.ts) then starts the bundle
 * instead of the TypeScript. Packages stay outside the bundle, resolved from the repository's
 * node_modules; each source file keeps its own `import.meta.url` (the plugin of bin/bundle.js).
 * SMSGUARD_BENCH_BUNDLE=off keeps the bench's children on tsx (SMSGUARD_BUNDLE=off does the same for
 * the `smsguard` command).
 */
import { fileURLToPath } from 'node:url';
import { ownImportMetaUrl } from '../bin/bundle.js';
import { GROUPS } from './groups.js';

/**
 * The bench's own child-process entry points, relative to the repository root: the group runner and
 * every group's module (each group runs in a process of its own), the gateways, sink and load clients.
 */
export const BUNDLED_ENTRIES: readonly string[] = [
  'bench/group.ts', ...Object.values(GROUPS),
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
      plugins: [ownImportMetaUrl],
    });
    return outdir;
  } catch (e) {
    process.stderr.write(`[bench] children run under tsx: bundling failed: ${(e as Error).message}\n`);
    return null;
  }
}
