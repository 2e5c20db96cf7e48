/**
 * A form's token (src/web/form-once.ts): one act per token while it is kept, a refusal frees it, no token acts every
 * time; across processes sharing one store, a repeat gets the first's result, or a refusal if the first never answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_ONCE_KEEP_MS, FormOnce, newFormToken } from '../../../src/web/form-once.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SmsguardError } from '../../../src/domain/errors.js';

test('a repeat within the keep time gets the first result; after it, or refused, or without a token, the act runs', async () => {
  const once = new FormOnce<number>();
  let runs = 0;
  const act = async () => ++runs;
  const tok = newFormToken();
  assert.equal(await once.run(tok, 0, act), 1);
  assert.equal(await once.run(tok, FORM_ONCE_KEEP_MS - 1, act), 1, 'a repeat: the first result');
  assert.equal(runs, 1);
  // another token, posted after the keep time: the first token is swept and acts again
  assert.equal(await once.run(newFormToken(), FORM_ONCE_KEEP_MS, act), 2);
  assert.equal(await once.run(tok, FORM_ONCE_KEEP_MS + 1, act), 3);

  const refused = newFormToken();
  await assert.rejects(once.run(refused, 0, async () => { throw new Error('refused'); }));
  assert.equal(await once.run(refused, 1, act), 4, 'a refusal frees the token');

  assert.equal(await once.run('', 0, act), 5);
  assert.equal(await once.run('', 0, act), 6, 'no token: acts every time');
  assert.equal(await once.run('not a token', 0, act), 7);
});

/** Two processes behind a balancer: two FormOnce on one store (a SQLite file's tables stand for the shared PostgreSQL). */
function twoProcesses<T>(waitMs = 2_000) {
  const store = new SqliteStore(':memory:');
  const mk = () => new FormOnce<T>({ store: store.formTokens, form: 'complaint', waitMs, pollMs: 10 });
  return { store, a: mk(), b: mk() };
}

test('across processes: a repeat reaching another process while the first acts waits for it and answers with its result; the act runs once', async () => {
  const { store, a, b } = twoProcesses<{ reference: string; accessCode: string }>();
  try {
    let runs = 0;
    let finish!: () => void;
    const slow = () => new Promise<{ reference: string; accessCode: string }>((resolve) => {
      runs++;
      finish = () => resolve({ reference: 'JB20261207ABCD', accessCode: 'c0ffee01' });
    });
    const tok = newFormToken();
    const first = a.run(tok, 1_000, slow);
    await new Promise((r) => setTimeout(r, 20));
    const second = b.run(tok, 1_050, slow);
    await new Promise((r) => setTimeout(r, 50));
    finish();
    assert.deepEqual(await first, { reference: 'JB20261207ABCD', accessCode: 'c0ffee01' });
    assert.deepEqual(await second, { reference: 'JB20261207ABCD', accessCode: 'c0ffee01' }, 'the repeat names the first filing');
    assert.equal(runs, 1);
    // later repeats, on either process, answer the same without acting
    assert.deepEqual(await b.run(tok, 2_000, slow), { reference: 'JB20261207ABCD', accessCode: 'c0ffee01' });
    assert.equal(runs, 1);
    // the store holds neither the token nor the answer in clear (the access code is a secret)
    const rows = store.db.prepare('SELECT token, result FROM form_tokens').all() as { token: string; result: string }[];
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].token, tok);
    assert.doesNotMatch(rows[0].result, /c0ffee01|JB2026/);
    assert.doesNotMatch(Buffer.from(rows[0].result, 'base64url').toString('latin1'), /c0ffee01|JB2026/);
  } finally {
    await store.close();
  }
});

test('across processes: a first post that never answers (its process died) makes the repeat refuse, form_already_sent, not act again', async () => {
  const { store, a, b } = twoProcesses<number>(300);
  try {
    const tok = newFormToken();
    void a.run(tok, 1_000, () => new Promise<number>(() => undefined)); // never settles
    await new Promise((r) => setTimeout(r, 20));
    let runs = 0;
    const t0 = Date.now();
    await assert.rejects(b.run(tok, 1_100, async () => ++runs), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict' && e.why?.id === 'form_already_sent');
    assert.ok(Date.now() - t0 >= 250, 'waited for the first a while');
    assert.equal(runs, 0, 'never a second filing');
    // past the keep time the token acts again (the form's own keep time, as in one process)
    assert.equal(await b.run(tok, 1_000 + FORM_ONCE_KEEP_MS, async () => ++runs), 1);
  } finally {
    await store.close();
  }
});

test('across processes: a refused first post frees the token: the corrected form acts on whichever process it reaches', async () => {
  const { store, a, b } = twoProcesses<number>();
  try {
    const tok = newFormToken();
    await assert.rejects(a.run(tok, 1_000, async () => { throw new Error('refused'); }));
    let runs = 0;
    assert.equal(await b.run(tok, 1_100, async () => ++runs), 1);
    assert.equal(await a.run(tok, 1_200, async () => ++runs), 1, 'and then it is settled for both');
    assert.equal(runs, 1);
  } finally {
    await store.close();
  }
});

test('in one process with the store: a repeat while the first acts shares its promise (no look at the store); the store out of reach: the act runs', async () => {
  const { store, a } = twoProcesses<number>();
  try {
    let runs = 0;
    const tok = newFormToken();
    const [x, y] = await Promise.all([a.run(tok, 1_000, async () => ++runs), a.run(tok, 1_001, async () => ++runs)]);
    assert.deepEqual([x, y, runs], [1, 1, 1]);
    const errors: string[] = [];
    const down = new FormOnce<number>({
      form: 'complaint',
      store: { claim: async () => { throw new Error('store down'); }, settle: async () => undefined, release: async () => undefined, sweep: async () => 0 },
      onStoreError: (e) => errors.push(e.message),
    });
    assert.equal(await down.run(newFormToken(), 1_000, async () => ++runs), 2);
    assert.ok(errors.includes('store down'));
  } finally {
    await store.close();
  }
});
