/**
 * Kannel (Debian's bearerbox + smsbox, written by nobody here) treats smsguard as its SMSC: it binds
 * to smsguard's SMPP server as a transceiver; messages sent through Kannel's HTTP sendsms arrive, are
 * decided by the pipeline, and their delivery receipts come back to Kannel (which reports them on
 * its dlr-url). Skips with a clear message when Kannel is not installed (CI installs it).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { freePort, kannelMissing, start, waitListening, type Proc } from '../../fakes/smpp/peers.js';

const skip = kannelMissing();

function kannelConf(p: { admin: number; smsbox: number; sendsms: number; smsc: number; systemId: string; password: string }): string {
  return `
group = core
admin-port = ${p.admin}
admin-interface = "127.0.0.1"
admin-password = "t-admin"
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.smsbox}
smsbox-interface = "127.0.0.1"
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-file = "bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = smsguard
host = 127.0.0.1
port = ${p.smsc}
transceiver-mode = true
smsc-username = "${p.systemId}"
smsc-password = "${p.password}"
system-type = ""
interface-version = 34
max-pending-submits = 10
enquire-link-interval = 30
reconnect-delay = 1
source-addr-ton = 0
source-addr-npi = 1
source-addr-autodetect = false
dest-addr-ton = 0
dest-addr-npi = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.smsbox}
sendsms-port = ${p.sendsms}
sendsms-interface = "127.0.0.1"
log-file = "smsbox.log"
log-level = 0

group = sendsms-user
username = "cp"
password = "cppw"
max-messages = 3
concatenation = true
`;
}

describe('Kannel bearerbox binds to smsguard as its SMSC', { skip }, () => {
  test('sendsms → Kannel → SMPP → smsguard decides; receipts flow back to Kannel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-kannel-'));
    const g = await startSmppGateway();
    const procs: Proc[] = [];
    const dlrs: URLSearchParams[] = [];
    const dlrServer = createServer((req, res) => {
      dlrs.push(new URL(req.url ?? '/', 'http://x').searchParams);
      res.end('ok');
    });
    try {
      const [admin, smsbox, sendsms, dlrPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      await new Promise<void>((r) => dlrServer.listen(dlrPort, '127.0.0.1', () => r()));
      const conf = join(dir, 'kannel.conf');
      writeFileSync(conf, kannelConf({ admin, smsbox, sendsms, smsc: g.port, systemId: g.systemId, password: g.password }));
      procs.push(start('/usr/sbin/bearerbox', [conf], { cwd: dir }));
      await waitListening(smsbox);
      procs.push(start('/usr/sbin/smsbox', [conf], { cwd: dir }));
      await waitListening(sendsms);
      const end = Date.now() + 15_000;
      while (g.server.bindCount(g.cpId) === 0) {
        if (Date.now() > end) throw new Error('Kannel did not bind');
        await new Promise((r) => setTimeout(r, 50));
      }
      const send = async (text: string, to: string, k: string, extra: Record<string, string> = {}) => {
        const dlrUrl = `http://127.0.0.1:${dlrPort}/dlr?k=${k}&type=%d`;
        const q = new URLSearchParams({ username: 'cp', password: 'cppw', from: '10690001', to, text, charset: 'UTF-8', coding: '2', 'dlr-mask': '3', 'dlr-url': dlrUrl, ...extra });
        const r = await fetch(`http://127.0.0.1:${sendsms}/cgi-bin/sendsms?${q}`);
        return { status: r.status, body: await r.text() };
      };
      const good = await Promise.all([1, 2, 3, 4, 5].map((i) => send(`【示例】您的验证码是${1000 + i}，5分钟内有效。`, `1380013800${i}`, `ok${i}`)));
      assert.ok(good.every((r) => r.status === 202), JSON.stringify(good));
      const bad = await send('no signature at all', '13900139000', 'bad');
      assert.equal(bad.status, 202, 'Kannel queues it; smsguard refuses it over SMPP');
      // a long Chinese message: Kannel splits it with UDH; smsguard judges and sends it whole
      const long = '【示例】' + '您的订单已发货，请注意查收。'.repeat(8);
      assert.equal((await send(long, '13800138009', 'long')).status, 202);
      // a flash message (mclass=0): Kannel sends it with data_coding 0x18 (GSM 03.38 UCS-2, class 0),
      // which smsguard read as Latin-1 before 2026-12-07 (mojibake, then refused: no signature)
      const flash = '【示例】闪信：您的验证码是4321。';
      assert.equal((await send(flash, '13800138010', 'okflash', { mclass: '0' })).status, 202);

      const deadline = Date.now() + 20_000;
      const delivered = () => dlrs.filter((d) => d.get('type') === '1' && d.get('k')!.startsWith('ok')).length;
      while (delivered() < 6 || !dlrs.some((d) => d.get('k') === 'bad') || !dlrs.some((d) => d.get('k') === 'long' && d.get('type') === '1')) {
        if (Date.now() > deadline) throw new Error(`receipts so far: ${dlrs.map((d) => d.toString()).join(' | ')}; SMSC got: ${g.sim.outbox().map((d) => d.text).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const texts = g.sim.outbox().map((d) => d.text);
      for (let i = 1; i <= 5; i++) assert.ok(texts.includes(`【示例】您的验证码是${1000 + i}，5分钟内有效。`));
      assert.ok(texts.includes(long), 'reassembled before the decision and sent whole');
      assert.ok(texts.includes(flash), 'the flash message read as UCS-2');
      assert.ok(!texts.some((t) => t.includes('no signature')));
      // Kannel reports smsguard's refusal as a failed (type 2) or SMSC-rejected (16) receipt
      assert.ok(dlrs.some((d) => d.get('k') === 'bad' && ['2', '16'].includes(d.get('type')!)), dlrs.map((d) => d.toString()).join(' | '));
      // The gateway stopping (docs/SMPP.md, Shutdown): Kannel answers our unbind, so the stop does not
      // wait out its 2 s bound.
      const t0 = Date.now();
      await g.server.stopSessions();
      assert.ok(Date.now() - t0 < 1500, `stopSessions took ${Date.now() - t0} ms: Kannel did not answer the unbind`);
      assert.equal(g.server.bindCount(g.cpId), 0);
    } finally {
      for (const p of procs.reverse()) await p.stop();
      await new Promise((r) => dlrServer.close(r));
      await g.close();
      if (!process.env.SMSGUARD_KEEP_KANNEL_LOGS) rmSync(dir, { recursive: true, force: true });
      else process.stderr.write(`kannel logs in ${dir}\n`);
    }
  });
});
