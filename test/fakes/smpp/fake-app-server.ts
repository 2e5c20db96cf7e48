/**
 * An SMPP server over FakeApp with two providers' credentials (`cp1`/`secret1` for cp_1, `other`/`pw`
 * for cp_2, and `cp1slow`/`pw` for cp_1 with a throughput of 1 a second), for tests of what a bound ESME may ask of its own messages (query_sm, cancel_sm):
 * `startFakeAppServer()` in a `before`, `close()` in an `after`, or `fakeAppServerSuite()` for both.
 */
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { encodeText, smDefaults, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { MemoryCredentials } from './memory-credentials.js';
import { FakeApp } from './fake-app.js';

export interface FakeAppServer {
  app: FakeApp;
  server: SmppServer;
  port: number;
  /** An ESME bound to the server (cp_1's transceiver unless told otherwise). */
  esme(systemId?: string, password?: string, bindType?: 'transmitter' | 'receiver' | 'transceiver'): Promise<SmppEsme>;
  close(): Promise<void>;
}

export async function startFakeAppServer(app = new FakeApp()): Promise<FakeAppServer> {
  const admin = { role: 'admin' as const, actorId: 'admin' };
  let id = 0;
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async (x) => x.startsWith('cp_'), now: () => Date.now(), newId: () => `cred_${++id}` });
  await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  await creds.create(admin, 'cp_2', { systemId: 'other', password: 'pw' });
  // cp_1 again, held to 1 message a second: what the throughput takes
  await creds.create(admin, 'cp_1', { systemId: 'cp1slow', password: 'pw', throughput: 1 });
  const server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service' });
  const port = await server.listen(0, '127.0.0.1');
  return {
    app, server, port,
    esme: (systemId = 'cp1', password = 'secret1', bindType = 'transceiver') => SmppEsme.connect({ host: '127.0.0.1', port, systemId, password, bindType }),
    close: () => server.close(),
  };
}

/** A submit_sm of `text` (GSM-7) from 10690001 to 13800138000, with `o` over it. */
export function submitPdu(text: string, o: Partial<SmPdu> = {}): SmPdu {
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', short_message: encodeText(text, 0), ...o };
}

/**
 * The server for the enclosing test file or suite: started in a `before`, closed in an `after`. The
 * app is there at once (for the tests to read what was submitted); `esme` binds once it has started.
 */
export function fakeAppServerSuite(): Pick<FakeAppServer, 'app' | 'esme'> {
  const app = new FakeApp();
  let fixture: FakeAppServer | undefined;
  before(async () => {
    fixture = await startFakeAppServer(app);
  });
  after(async () => fixture?.close());
  return { app, esme: (...a) => fixture!.esme(...a) };
}

/** Submits `text` (submitPdu) and gives the message id answered, asserting ESME_ROK. */
export async function submitted(e: SmppEsme, text: string): Promise<string> {
  const r = (await e.request(submitPdu(text))) as { command_status: number; message_id: string };
  assert.equal(r.command_status, 0);
  return r.message_id;
}
