/**
 * The HTTP status callback survives `kill -9` between the status's commit and anything after it
 * (README "HTTP callbacks"): a gateway process (test/helpers/callback-crash-child.ts) kills itself the
 * moment a message's `submitted` is announced, before the callback worker hears the event; the store,
 * opened again, holds the status and its callback row, which a new worker sends. Before the row was
 * queued in the status transaction (2026-12-06), it was queued by that worker's listener, and lost.
 * On SQLite (a file) and PostgreSQL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/ports/store.js';
import { openTestPgStore } from '../helpers/pg.js';

/** Runs the child to its own SIGKILL; what it said. */
async function crashChild(where: string): Promise<{ cp: string; id: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/callback-crash-child.ts', where], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  assert.equal(signal, 'SIGKILL', `the child should have killed itself: exit ${code}\n${out}\n${err}`);
  const cp = /PROVIDER (\S+)/.exec(out)?.[1];
  const id = /ACCEPTED (\S+)/.exec(out)?.[1];
  assert.ok(cp && id, out);
  return { cp, id };
}

async function afterTheCrash(store: Store, cp: string, id: string): Promise<void> {
  const v = await store.messages.getMessage(id);
  assert.equal(v?.status, 'submitted', 'the status committed before the kill');
  const rows = await store.callbacks.claim({ owner: 'after', now: Date.now() + 86_400_000 * 365, leaseMs: 60_000, limit: 10 });
  const mine = rows.filter((r) => r.contentProviderId === cp);
  assert.deepEqual(mine.map((r) => r.eventId), [`${id}:submitted`], 'its callback was queued with it');
  const body = JSON.parse(mine[0].body) as Record<string, unknown>;
  assert.equal(body.clientRef, 'crash-1');
  assert.equal(body.status, 'submitted');
}

describe('chaos: kill -9 right after a status commits', { timeout: 120_000 }, () => {
  test('SQLite: the callback row is there after the crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-cbkill-'));
    try {
      const file = join(dir, 'gw.db');
      const { cp, id } = await crashChild(`sqlite:${file}`);
      const store = new SqliteStore(file);
      try {
        await afterTheCrash(store, cp, id);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: the callback row is there after the crash', async () => {
    const h = await openTestPgStore();
    try {
      const { cp, id } = await crashChild(`pg:${h.schema}`);
      await afterTheCrash(h.store, cp, id);
    } finally {
      await h.dispose();
    }
  });
});
