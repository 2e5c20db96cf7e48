/**
 * A stop with a silent carrier SMSC (docs/SMPP.md, "Unbinds on a link", Bounds): an SMSC on a bare
 * socket answers the bind and then nothing, not even our unbind. The client's close (what SIGTERM
 * or Ctrl-C does to `smsguard start`) must still end promptly: the unbind goes, the SMSC gets
 * DEFAULT_UNBIND_WAIT_MS (2 s) to answer it, then the socket is closed; two silent links take that
 * once, not twice. In process and on the client's own thread. Before 2026-12-08 each waited the
 * session's response timeout (10 s) for the unbind_resp.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { decodePdu, encodePdu, FrameSplitter, type Pdu } from '../../../src/smpp/pdu/index.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';

/** An SMSC that answers each bind with its bind_resp and ignores every other PDU. */
class SilentSmsc {
  readonly got: Pdu[] = [];
  readonly sockets = new Set<Socket>();
  closedSockets = 0;
  private constructor(readonly server: Server) {}
  static async listen(): Promise<SilentSmsc> {
    const server = createServer();
    const smsc = new SilentSmsc(server);
    server.on('connection', (s) => smsc.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return smsc;
  }
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }
  private accept(s: Socket): void {
    this.sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => (this.sockets.delete(s), this.closedSockets++));
    const fs = new FrameSplitter();
    s.on('data', (d: Buffer) => fs.push(d, (f) => {
      const p = decodePdu(Buffer.from(f));
      this.got.push(p);
      if (p.command === 'bind_transceiver' || p.command === 'bind_transmitter' || p.command === 'bind_receiver') {
        s.write(encodePdu({ command: `${p.command}_resp`, command_status: 0, sequence_number: p.sequence_number, system_id: 'silent', tlvs: [] }));
      }
    }));
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: two links to SMSCs that never answer our unbind close in about 2 s, not a response timeout each`, { timeout: 40_000 }, async () => {
    const a = await SilentSmsc.listen();
    const b = await SilentSmsc.listen();
    // the response timeout as shipped (10 s): the unbind's wait must not follow it
    const up = make({
      links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=a`), parseUpstreamUrl(`smpp://u:p@127.0.0.1:${b.port}?name=b`)],
      link: { minBackoffMs: 50, maxBackoffMs: 200 },
    });
    up.start();
    try {
      assert.ok(await up.waitUp(5000), 'bound to the silent SMSCs');
      const t0 = Date.now();
      await up.close();
      const took = Date.now() - t0;
      assert.ok(took >= 1500, `the SMSCs had their time to answer the unbind (closed after ${took} ms)`);
      assert.ok(took < 4000, `the close took ${took} ms with two silent SMSCs (bound: 2 s for the unbind_resp, once)`);
      for (const s of [a, b]) {
        assert.equal(s.got.filter((p) => p.command === 'unbind').length, 1, 'the unbind was sent');
        assert.equal(s.sockets.size, 0, 'the socket was closed');
      }
    } finally {
      await up.close();
      await a.close();
      await b.close();
    }
  });
}
