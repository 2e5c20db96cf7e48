/**
 * SMPP over TLS, both sides, with a throwaway self-signed certificate (CN=localhost) made by openssl:
 * - the server: an ESME binds on the TLS port, submits and gets its receipt; the plain port stays; a
 *   plain TCP client, or a TLS client refusing our certificate, on the TLS port costs only its own
 *   socket;
 * - the client: an `smpps://` link binds to a TLS fake SMSC trusting it through `ca=`, refuses an
 *   untrusted certificate unless `insecure=1`, and reconnects after a drop as a plain link does (in
 *   process and on its own thread).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import { SmppServer } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { startSmpp } from '../../../src/smpp/compose.js';
import { EsmClass, Tag, encodeText, parseDlrText, smDefaults, tlvString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import { MemoryCredentials, memorySmppCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { selfSignedCert, type TestCert } from '../../helpers/tls-cert.js';
import { until, waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
let cert: TestCert;
/** A second certificate nobody trusts: what a man in the middle would present. */
let stranger: TestCert;

before(() => {
  cert = selfSignedCert();
  stranger = selfSignedCert();
});
after(() => {
  cert.remove();
  stranger.remove();
});

function sm(text: string, o: Partial<SmPdu> = {}): SmPdu {
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 0, short_message: encodeText(text, 0), ...o };
}

describe('smpp server over TLS', () => {
  let app: FakeApp;
  let server: SmppServer;
  let port: number;
  let tlsPort: number;

  before(async () => {
    app = new FakeApp();
    const creds = memorySmppCredentials();
    await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
    server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', tlsHandshakeTimeoutMs: 1000 });
    port = await server.listen(0, '127.0.0.1');
    tlsPort = await server.listenTls(0, '127.0.0.1', { cert: cert.cert, key: cert.key });
  });
  after(async () => {
    await server.close();
  });

  const tlsEsme = (extra: Partial<Parameters<typeof SmppEsme.connect>[0]> = {}) =>
    SmppEsme.connect({ host: '127.0.0.1', port: tlsPort, systemId: 'cp1', password: 'secret1', tls: { ca: cert.cert, servername: 'localhost', rejectUnauthorized: true }, ...extra });

  test('an ESME binds over TLS (verifying our certificate), submits, and its receipt comes back on the same session', async () => {
    const got: SmPdu[] = [];
    const e = await tlsEsme({ onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
    const resp = await e.request(sm('over tls', { registered_delivery: 1 }));
    assert.equal(resp.command_status, 0);
    const id = (resp as { message_id: string }).message_id;
    assert.equal(app.submissions.at(-1)!.input.text, 'over tls');
    assert.equal(app.submissions.at(-1)!.principal.role, 'content-provider');
    const t = Date.now();
    app.events.emit('messageStatus', { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138000', submittedAt: t - 1000, registeredDelivery: true, text: 'over tls' });
    const d = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === id));
    assert.equal(d.esm_class & 0x3c, EsmClass.DELIVERY_RECEIPT);
    assert.equal(parseDlrText(d.short_message.toString('latin1'))!.stat, 'DELIVRD');
    assert.equal(server.bindCount('cp_1'), 1);
    await e.close();
  });

  test('the plain port stays beside it, same credentials', async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
    assert.equal((await e.request(sm('plain'))).command_status, 0);
    await e.close();
  });

  test('a plain TCP client on the TLS port is cut, and the server goes on (TLS and plain)', async () => {
    const failures = server.tlsHandshakeFailures;
    const s = connect({ host: '127.0.0.1', port: tlsPort });
    s.on('error', () => undefined);
    await once(s, 'connect');
    // a bind_transceiver as a plain ESME would send it: not a TLS ClientHello
    const body = Buffer.from('cp1\0secret1\0\0\x34\0\0\0', 'latin1');
    const h = Buffer.alloc(16);
    h.writeUInt32BE(16 + body.length, 0); h.writeUInt32BE(0x00000009, 4); h.writeUInt32BE(0, 8); h.writeUInt32BE(1, 12);
    s.write(Buffer.concat([h, body]));
    let answered = false;
    s.on('data', (d: Buffer) => { if (d.length >= 16 && d.readUInt32BE(4) === 0x80000009) answered = true; });
    await once(s, 'close');
    assert.equal(answered, false, 'no bind answer over plain TCP on the TLS port');
    await until(() => server.tlsHandshakeFailures > failures);
    // the server is still there, on both ports
    const e = await tlsEsme();
    assert.equal((await e.request(sm('after a bad client'))).command_status, 0);
    await e.close();
    const p = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1' });
    await p.close();
  });

  test('a TLS client refusing our certificate, and one that never says hello, cost only their own sockets', async () => {
    // verifies against the public CAs: our self-signed certificate is refused on its side
    await assert.rejects(tlsEsme({ tls: { servername: 'localhost', rejectUnauthorized: true } }), /TLS to 127\.0\.0\.1:\d+: self[- ]signed certificate/);
    // connects, sends nothing: closed at the handshake timeout (1 s here)
    const idle = connect({ host: '127.0.0.1', port: tlsPort });
    idle.on('error', () => undefined);
    const t0 = Date.now();
    await once(idle, 'close');
    assert.ok(Date.now() - t0 < 5000);
    // and a TLS client of another kind, reset mid-handshake
    const reset = tlsConnect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false });
    reset.on('error', () => undefined);
    reset.destroy();
    const e = await tlsEsme();
    assert.equal((await e.request(sm('still here'))).command_status, 0);
    await e.close();
  });
});

describe('upstream smpps:// links', () => {
  type Client = SmppUpstream | ThreadedUpstream;
  const VARIANTS: [string, (o: UpstreamOptions) => Client][] = [
    ['in process', (o) => new SmppUpstream(o)],
    ['on its own thread', (o) => new ThreadedUpstream(o)],
  ];
  const msg = (i: number) => ({ id: `msg_tls_${i}`, contentProviderId: 'cp_1', from: '10690001', to: `+8613800000${String(i).padStart(3, '0')}`, text: `tls ${i}`, registeredDelivery: true, attempts: 0, submittedAt: Date.now() });

  for (const [variant, make] of VARIANTS) {
    test(`binds to a TLS SMSC trusted through ca= (servername=localhost), submits, gets the receipt, and rebinds after a drop (${variant})`, async () => {
      const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, tls: { cert: cert.cert, key: cert.key } });
      const smscPort = await smsc.listen();
      const link = parseUpstreamUrl(`smpps://u:p@127.0.0.1:${smscPort}?name=tls&ca=${encodeURIComponent(cert.certPath)}&servername=localhost`);
      const up = make({ links: [link], link: { minBackoffMs: 50, maxBackoffMs: 200 } });
      const receipts: DeliveryReceipt[] = [];
      up.onReceipt((r) => { receipts.push(r); });
      up.start();
      try {
        assert.ok(await up.waitUp(5000), 'bound over TLS');
        const r = await up.submit(msg(1));
        assert.ok(r.ok, JSON.stringify(r));
        assert.deepEqual(smsc.ackedTexts(), ['tls 1']);
        await until(() => receipts.length === 1);
        assert.equal(receipts[0].upstreamId, r.ok ? r.upstreamId : '');
        assert.equal(receipts[0].stat, 'DELIVRD');
        // the SMSC drops the TLS connection: the link reconnects with its backoff, over TLS again
        for (const c of smsc.conns) c.socket.destroy();
        await until(() => smsc.binds === 2, 5000);
        assert.ok(await up.waitUp(5000));
        const r2 = await up.submit(msg(2));
        assert.ok(r2.ok, JSON.stringify(r2));
      } finally {
        await up.close();
        await smsc.close();
      }
    });
  }

  test('refuses an SMSC whose certificate it cannot verify (no ca=, or another CA), and keeps retrying; insecure=1 binds', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none', tls: { cert: cert.cert, key: cert.key } });
    const smscPort = await smsc.listen();
    const logs: string[] = [];
    const log = (m: string, f?: Record<string, unknown>) => logs.push(`${m} ${String(f?.reason ?? '')}`);
    try {
      for (const q of ['servername=localhost', `servername=localhost&ca=${encodeURIComponent(stranger.certPath)}`]) {
        logs.length = 0;
        const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpps://u:p@127.0.0.1:${smscPort}?${q}`)], link: { minBackoffMs: 50, maxBackoffMs: 100 }, log });
        up.start();
        assert.equal(await up.waitUp(1000), false, q);
        // refused at the handshake, before any bind; and tried again
        assert.equal(smsc.binds, 0);
        assert.ok(logs.filter((l) => /smpp upstream down TLS to 127\.0\.0\.1:\d+: self[- ]signed certificate/.test(l)).length >= 2, logs.join('\n'));
        await up.close();
      }
      // right CA, wrong name: the certificate must name the host
      const wrongName = new SmppUpstream({ links: [parseUpstreamUrl(`smpps://u:p@127.0.0.1:${smscPort}?ca=${encodeURIComponent(cert.certPath)}&servername=smsc.example.net`)], link: { minBackoffMs: 50, maxBackoffMs: 100 }, log });
      logs.length = 0;
      wrongName.start();
      assert.equal(await wrongName.waitUp(1000), false);
      assert.match(logs.join('\n'), /Hostname\/IP does not match certificate's altnames/);
      await wrongName.close();
      assert.equal(smsc.binds, 0);
      const insecure = new SmppUpstream({ links: [parseUpstreamUrl(`smpps://u:p@127.0.0.1:${smscPort}?insecure=1`)] });
      insecure.start();
      assert.ok(await insecure.waitUp(5000), 'insecure=1 binds to an unverified certificate');
      assert.equal(smsc.binds, 1);
      await insecure.close();
    } finally {
      await smsc.close();
    }
  });

  test('an smpps:// link to a plain SMPP port fails to connect rather than bind in clear', async () => {
    const plain = new FakeSmsc({ misbehaviour: 'none' });
    const p = await plain.listen();
    const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpps://u:p@127.0.0.1:${p}?insecure=1`)], link: { minBackoffMs: 50, maxBackoffMs: 100 } });
    up.start();
    try {
      assert.equal(await up.waitUp(1000), false);
      assert.equal(plain.binds, 0);
    } finally {
      await up.close();
      await plain.close();
    }
  });
});

describe('startSmpp with TLS', () => {
  const base = () => ({
    app: new FakeApp(), credentialStore: new MemoryCredentials(),
    contentProviderExists: async () => true, portKind: async () => null, now: () => Date.now(), newId: () => 'x',
    smppHost: '127.0.0.1',
  });

  test('listens on the TLS port beside the plain one and says where', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none', tls: { cert: cert.cert, key: cert.key } });
    const smscPort = await smsc.listen();
    const doors = await startSmpp({ ...base(), smppPort: 0, smppTls: { port: 0, cert: cert.cert, key: cert.key }, upstream: `smpps://u:p@127.0.0.1:${smscPort}?ca=${encodeURIComponent(cert.certPath)}&servername=localhost`, upstreamThread: false });
    try {
      assert.ok(doors.smppPort! > 0);
      assert.ok(doors.smppTlsPort! > 0);
      assert.notEqual(doors.smppTlsPort, doors.smppPort);
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: doors.smppTlsPort!, systemId: 'nobody', password: 'x', tls: { ca: cert.cert, servername: 'localhost', rejectUnauthorized: true } }).catch((x: Error) => x);
      // the handshake succeeded: the refusal is the bind's (no such credential), not TLS's
      assert.match(String(e), /bind refused/);
      assert.ok(await doors.egress!.waitUp(5000));
    } finally {
      await doors.close();
      await smsc.close();
    }
  });

  test('an smpps:// link whose ca= cannot be used is refused at start, naming the link and the file', async () => {
    for (const [ca, why] of [['/nonexistent/ca.pem', /upstream: link l1: ca=\/nonexistent\/ca\.pem: cannot read/], [cert.keyPath, /upstream: link l1: ca=.*key\.pem: no PEM certificate/]] as const) {
      await assert.rejects(startSmpp({ ...base(), smppPort: null, upstream: `smpps://u:p@127.0.0.1:3550?name=l1&ca=${encodeURIComponent(ca)}`, upstreamThread: false }), why);
    }
  });
});
