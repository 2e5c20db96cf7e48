#!/usr/bin/env -S node --max-semi-space-size=128 --min-semi-space-size=64 --single-threaded-gc --no-allocation-site-pretenuring
// The `smsguard` command. A fresh clone needs no build step: the TypeScript sources are bundled on
// first start and again whenever one changes (bin/bundle.js), or run through tsx's loader if that
// cannot be done (or SMSGUARD_BUNDLE=off).
// The flags on the first line (also in package.json's `start`): a young generation big enough that a
// batch in flight dies young instead of being copied at every scavenge, and never shrunk below half
// of that (V8 shrank and regrew it under load, and each regrowth touched fresh pages: page faults),
// and garbage collection on the collecting thread rather than V8's helper threads, which competed for
// two cores; docs/PERFORMANCE.md, "Young generation", "Garbage collection on one thread" and the
// eighth session of 2026-12-05. The line must stay within 127 characters: kernels before Linux 5.1
// cut a longer first line short (test/unit/runtime/node-flags.test.ts).
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
