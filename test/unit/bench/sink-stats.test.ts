import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSinkStats, waitSinkSubmits } from '../../../bench/sink-stats.js';

// A line as smsc-sink.pl writes it (counters sorted by name, then the stamps).
const LINE = 'binds=1 conns=1 dlr_sent=3 submit=3 submit_bytes=120 first_submit=1764979200.125000 last_submit=1764979207.500250 first_deliver=0.000000 last_deliver_resp=0.000000 now=1764979208.000000 uptime=9.000 bound=1';

test('the submit count and the last submit stamp in ms, not the first_submit field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-stats-'));
  try {
    const f = join(dir, 'sink.stats');
    writeFileSync(f, `${LINE}\n`);
    const s = readSinkStats(f);
    assert.equal(s.submits, 3);
    assert.equal(s.lastSubmitMs, 1764979207500.25);
    assert.deepEqual(readSinkStats(join(dir, 'none')), { submits: 0, lastSubmitMs: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitSinkSubmits returns once the count is reached, or what it last saw when time runs out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-stats-'));
  try {
    const f = join(dir, 'sink.stats');
    writeFileSync(f, `${LINE}\n`);
    assert.equal((await waitSinkSubmits(f, 5, 30)).submits, 3);
    setTimeout(() => writeFileSync(f, `${LINE.replace('submit=3 ', 'submit=5 ')}\n`), 30);
    const s = await waitSinkSubmits(f, 5, 5000);
    assert.equal(s.submits, 5);
    assert.equal(s.lastSubmitMs, 1764979207500.25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
