// Loading smsguard from one bundle of src/main.ts instead of module by module through tsx.
//
// Through tsx, every start compiled ~300 TypeScript modules one by one on tsx's loader thread: ~1.4 s
// before the first line of main ran, on every `smsguard` command (measured 2026-12-04: a gateway
// ready 2.1–2.3 s after spawn, 1.3–1.4 s from a bundle). esbuild (the compiler tsx itself uses, a
// dependency already) bundles src/main.ts once into node_modules/.cache/smsguard/ and every later
// start loads that file; a manifest of the bundle's inputs with their sizes and modification times
// tells when a source or data file changed, and the next start bundles again (~0.5 s). Packages stay
// outside the bundle and load from node_modules as usual. Each source file keeps its own
// `import.meta.url` (the paths derived from it: migrations, the classifier model, the native
// extension, worker entries), and source maps are inline so stack traces name the TypeScript files,
// as under tsx. Any failure (no esbuild, an unwritable folder) returns null and the caller falls back
// to tsx; SMSGUARD_BUNDLE=off does that on purpose.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * esbuild plugin: every TypeScript source keeps its own `import.meta.url` inside a bundle (esbuild
 * would otherwise leave the expression to mean the bundle's URL).
 * @type {import('esbuild').Plugin}
 */
export const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)),
      loader: 'ts',
    }));
  },
};

/**
 * @param {string} manifest @param {string} dir
 * @returns {string | null} the bundle's path if it is there and every input is as it was bundled
 */
function current(manifest, dir) {
  let m;
  try {
    m = JSON.parse(readFileSync(manifest, 'utf8'));
    // A manifest whose bundle was deleted (a cache cleaned by hand) means: bundle again.
    statSync(join(dir, m.bundle));
  } catch {
    return null;
  }
  for (const [path, mtimeMs, size] of m.inputs) {
    try {
      const s = statSync(join(ROOT, path));
      if (s.mtimeMs !== mtimeMs || s.size !== size) return null;
    } catch {
      return null;
    }
  }
  return join(dir, m.bundle);
}

/**
 * The file URL of an up-to-date bundle of src/main.ts, built now if there is none or a source changed;
 * null when it cannot be had (the caller then runs the sources through tsx).
 * @param {string} [dir] where bundles are kept (inside the repository, so packages resolve from it)
 * @returns {Promise<string | null>}
 */
export async function mainBundle(dir = join(ROOT, 'node_modules', '.cache', 'smsguard')) {
  if (process.env.SMSGUARD_BUNDLE === 'off') return null;
  const manifest = join(dir, 'main.json');
  const ready = current(manifest, dir);
  if (ready) return pathToFileURL(ready).href;
  // A name of its own: a start that read the previous manifest may still be loading the previous bundle.
  const name = `main-${Date.now().toString(36)}-${process.pid}.mjs`;
  const tmp = `.${process.pid}.tmp`;
  try {
    const esbuild = await import('esbuild');
    mkdirSync(dir, { recursive: true });
    const r = await esbuild.build({
      absWorkingDir: ROOT, entryPoints: ['src/main.ts'], outfile: join(dir, name), write: false, metafile: true,
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: 'inline', logLevel: 'silent',
      plugins: [ownImportMetaUrl],
    });
    const inputs = Object.keys(r.metafile.inputs).map((p) => {
      const s = statSync(join(ROOT, p));
      return [p, s.mtimeMs, s.size];
    });
    // Written under temporary names and renamed, so a concurrent start sees a whole file or none.
    writeFileSync(join(dir, name + tmp), r.outputFiles[0].contents);
    renameSync(join(dir, name + tmp), join(dir, name));
    writeFileSync(manifest + tmp, JSON.stringify({ bundle: name, inputs }));
    renameSync(manifest + tmp, manifest);
    // Bundles replaced more than a minute ago are no longer being loaded by anyone.
    for (const f of readdirSync(dir)) {
      if (f !== name && /^main-.*\.mjs$/.test(f) && Date.now() - statSync(join(dir, f)).mtimeMs > 60_000) rmSync(join(dir, f), { force: true });
    }
    return pathToFileURL(join(dir, name)).href;
  } catch {
    for (const f of [join(dir, name + tmp), manifest + tmp]) rmSync(f, { force: true });
    return null;
  }
}
