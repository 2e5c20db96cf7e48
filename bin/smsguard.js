#!/usr/bin/env -S node --max-semi-space-size=128 --single-threaded-gc
// The `smsguard` command. TypeScript sources run through tsx's loader so that a fresh clone needs no build step.
// The flags on the first line (also in package.json's `start`): a young generation big enough that a
// batch in flight dies young instead of being copied at every scavenge, and garbage collection on the
// collecting thread rather than V8's helper threads, which competed for two cores; docs/PERFORMANCE.md,
// "Young generation" and "Garbage collection on one thread".
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
