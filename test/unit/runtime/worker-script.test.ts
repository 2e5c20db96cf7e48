import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { useWorkerBundles, workerScript } from '../../../src/runtime/worker-script.js';

test('a TypeScript worker entry is bundled once, runs with its packages resolved from its own folder, in strict mode', async () => {
  const entry = new URL('./worker-entry.fixture.ts', import.meta.url);
  const script = workerScript(entry);
  assert.ok(script, 'esbuild is installed (a dependency): the entry bundles');
  assert.equal(workerScript(entry), script, 'cached per process');
  // The test's own working directory must not matter: start from another one.
  const cwd = process.cwd();
  process.chdir('/');
  try {
    const w = new Worker(script!, { eval: true, workerData: { msisdn: '+8613800138000' } });
    const [msg] = await once(w, 'message');
    await w.terminate();
    assert.deepEqual(msg, { masked: '138****8000', cached: 1, strict: true });
  } finally {
    process.chdir(cwd);
  }
});

test('an entry that cannot be bundled gives null (the caller boots through tsx instead)', () => {
  assert.equal(workerScript(new URL('./no-such-entry.ts', import.meta.url)), null);
});

test('useWorkerBundles(false) (SMSGUARD_WORKER_BUNDLE=off through the configuration) gives null, so callers take their tsx path', () => {
  useWorkerBundles(false);
  try {
    assert.equal(workerScript(new URL('./worker-entry.fixture.ts', import.meta.url)), null);
  } finally {
    useWorkerBundles(true);
  }
  assert.ok(workerScript(new URL('./worker-entry.fixture.ts', import.meta.url)), 'bundled again once on');
});
