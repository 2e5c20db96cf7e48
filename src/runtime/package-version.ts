/**
 * smsguard's own version, as its package.json gives it, for `smsguard --version`, `GET /` and the
 * OpenAPI document. Found by walking up from this module: `src/runtime/` under tsx, the bundle in
 * `node_modules/.cache/smsguard/` otherwise (bin/bundle.js); read once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'smsguard' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not ours): one directory up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return 'unknown';
}

/** The version of the running smsguard (`unknown` when its package.json cannot be found). */
export const PACKAGE_VERSION: string = findVersion();
