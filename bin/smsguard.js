#!/usr/bin/env -S node --max-semi-space-size=128 --single-threaded-gc --no-allocation-site-pretenuring
// The `smsguard` command. A fresh clone needs no build step: the TypeScript sources are bundled on
// first start and again whenever one changes (bin/bundle.js), or run through tsx's loader if that
// cannot be done (or SMSGUARD_BUNDLE=off).
// The flags on the first line (also in package.json's `start`): a young generation big enough that a
// batch in flight dies young instead of being copied at every scavenge, and garbage collection on the
// collecting thread rather than V8's helper threads, which competed for two cores; docs/PERFORMANCE.md,
// "Young generation" and "Garbage collection on one thread".
import { mainBundle } from './bundle.js';

const bundle = await mainBundle();
if (bundle) {
  // As under tsx: stack traces name the TypeScript files and lines (the bundle's maps are inline).
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
