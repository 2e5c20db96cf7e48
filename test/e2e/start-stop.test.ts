/**
 * `smsguard start` and its graceful stop, as an operator runs them: a provider port on the report
 * number, registered before the number was reserved, is warned about once at start; SIGTERM while
 * the upstream is unreachable stops the gateway promptly (it used to wait 10–15 s for a link that was
 * not there) with every message still queued; the next start, with a link, sends them at once, and
 * its SIGTERM unbinds a bound ESME at once (a submit crossing the unbind gets a temporary status).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { closedPort } from '../helpers/closed-port.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait.js';
import { spawnSmsguard } from '../helpers/process.js';
import { startTestGateway, onboard } from '../helpers/gateway.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { CommandStatus, decodePdu, encodePdu, encodeText, FrameSplitter, smDefaults, type Pdu } from '../../src/smpp/pdu/index.js';
import { connect } from 'node:net';
import { once } from 'node:events';

/** An ESME on a bare socket that answers nothing by itself. */
async function rawEsme(port: number) {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  const got: Pdu[] = [];
  const fs = new FrameSplitter();
  s.on('data', (d: Buffer) => fs.push(d, (f) => got.push(decodePdu(Buffer.from(f)))));
  s.on('error', () => undefined);
  return {
    send: (p: Pdu) => s.write(encodePdu(p)),
    wait: (match: (p: Pdu) => boolean) => waitFor(() => got.find(match), 10_000, 'a PDU from the gateway'),
  };
}

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_start_stop_test_token_0000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

interface Running {
  p: ChildProcess;
  address: string;
  output(): string;
}

async function startGateway(db: string, upstream: string): Promise<Running> {
  const g = await spawnSmsguard(['start', '--db', db, '--http-port', '0', '--smpp-port', '0', '--upstream', upstream], { env: ENV });
  return { p: g.proc, address: g.url, output: g.output };
}

/** Sends SIGTERM; resolves with the exit code and how long the stop took. */
async function terminate(p: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  const t0 = Date.now();
  p.kill('SIGTERM');
  const code = await exited;
  return { code, ms: Date.now() - t0 };
}

test('report port taken by a provider: one warning at start; SIGTERM with the upstream down is prompt and loses nothing; a restart sends at once', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-start-stop-'));
  const db = join(dir, 'smsguard.db');
  const running: ChildProcess[] = [];
  try {
    // A database from before ports.reserved: the provider holds 12321; three messages queued.
    const g = await startTestGateway({ db });
    await g.worker.stop();
    const cp = await onboard(g);
    for (let i = 0; i < 3; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1390000000${i}`, text: '【示例】您的账单已出', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
    }
    g.store.db.prepare("INSERT INTO ports (number, content_provider_id, kind, created_at) VALUES ('12321', ?, 'service', 0)").run(cp.id);
    await g.close();

    const down = await startGateway(db, `smpp://u:p@127.0.0.1:${await closedPort()}`);
    running.push(down.p);
    const warnings = () => down.output().split('\n').filter((l) => l.includes('port 12321 is registered'));
    assert.equal(warnings().length, 1, down.output());
    const w = JSON.parse(warnings()[0]) as { level: number; msg: string; port: string; contentProviderId: string };
    assert.equal(w.level, 40, 'a warning');
    assert.equal(w.port, '12321');
    assert.equal(w.contentProviderId, cp.id);
    assert.match(w.msg, new RegExp(`content provider ${cp.id} .*report port.*never reaches.*SMSGUARD_REPORT_PORT`));
    // the worker has claimed the batch, which waits for a link that is not there
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = await terminate(down.p);
    assert.equal(stopped.code, 0, down.output());
    assert.ok(stopped.ms < 3000, `SIGTERM took ${stopped.ms} ms with the upstream down`);
    assert.equal(warnings().length, 1, 'warned once');
    const s = new SqliteStore(db);
    assert.equal(await s.outbox.pendingCount(), 3, 'nothing lost: all still queued');
    await s.close();

    const up = await startGateway(db, 'simulator');
    running.push(up.p);
    const sent = await waitFor(async () => {
      const r = await fetch(`${up.address}/v1/simulator/outbox`);
      const { messages } = (await r.json()) as { messages: unknown[] };
      return messages.length >= 3 ? messages.length : undefined;
    }, 10_000, 'the three messages at the simulator');
    assert.equal(sent, 3);
    // A link coming up is news, not a warning (info, 30); the lines about trouble stay warnings.
    const bound = up.output().split('\n').filter((l) => l.includes('"smpp upstream bound"')).map((l) => JSON.parse(l) as { level: number });
    assert.ok(bound.length >= 1, up.output());
    assert.deepEqual([...new Set(bound.map((l) => l.level))], [30]);
    // A bound ESME is told at once (docs/SMPP.md, Shutdown): unbind; a submit that crossed it gets
    // ESME_RSYSERR, so the ESME sends it again elsewhere; its unbind_resp is honoured.
    const cred = await fetch(`${up.address}/v1/content-providers/${cp.id}/smpp-credentials`, { method: 'POST', headers: { ...cp.auth, 'content-type': 'application/json' }, body: JSON.stringify({ systemId: 'shili', password: 'pw' }) });
    assert.equal(cred.status, 201, await cred.text());
    const smppPort = Number(/SMPP server\s+\S+:(\d+)/.exec(up.output())?.[1]);
    const esme = await rawEsme(smppPort);
    esme.send({ command: 'bind_transceiver', command_status: 0, sequence_number: 1, system_id: 'shili', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
    assert.equal((await esme.wait((p) => p.command === 'bind_transceiver_resp')).command_status, 0);
    const exited = new Promise<number | null>((r) => up.p.once('exit', (code) => r(code)));
    up.p.kill('SIGTERM');
    const unbind = await esme.wait((p) => p.command === 'unbind');
    esme.send({ ...smDefaults(), command: 'submit_sm', sequence_number: 7, source_addr: '10690001', destination_addr: '13900000009', data_coding: 8, short_message: encodeText('【示例】您的账单已出', 8) });
    assert.equal((await esme.wait((p) => p.command === 'submit_sm_resp' && p.sequence_number === 7)).command_status, CommandStatus.ESME_RSYSERR);
    esme.send({ command: 'unbind_resp', command_status: 0, sequence_number: unbind.sequence_number });
    assert.equal(await exited, 0, up.output());
  } finally {
    for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
