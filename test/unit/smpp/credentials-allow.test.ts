import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppCredentials } from '../../../src/smpp/server/credentials.js';
import { CommandStatus } from '../../../src/smpp/pdu/index.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

function setup() {
  let id = 0;
  return new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${++id}` });
}

test('allowedIps: addresses and CIDR blocks, IPv4 and IPv6; anything else is refused at creation', async () => {
  const creds = setup();
  for (const bad of [['not-an-ip'], ['10.0.0.0/33'], ['10.0.0.0/8/1'], ['2001:db8::/129'], ['10.0.0.0/x'], [''], [7]]) {
    await assert.rejects(creds.create(admin, 'cp_1', { systemId: 'x', password: 'pw', allowedIps: bad }), /allowedIps/, JSON.stringify(bad));
  }
  await creds.create(admin, 'cp_1', { systemId: 'shop', password: 'pw', allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'] });
  for (const ip of ['10.1.2.3', '::ffff:10.200.0.1', '2001:db8::5', '203.0.113.7']) {
    assert.equal((await creds.authenticate('shop', 'pw', ip)).ok, true, ip);
  }
  for (const ip of ['11.0.0.1', '203.0.113.8', '2001:db9::1', '::1']) {
    const r = await creds.authenticate('shop', 'pw', ip);
    assert.equal(r.ok, false, ip);
    assert.equal(!r.ok && r.status, CommandStatus.ESME_RBINDFAIL, ip);
  }
});

test('an address not allowed is refused before the password is looked at (no oracle, no scrypt)', async () => {
  // Before, a wrong password from any address answered ESME_RINVPASWD: anyone reaching the port could
  // test passwords, each attempt costing the gateway a scrypt.
  const creds = setup();
  await creds.create(admin, 'cp_1', { systemId: 'shop', password: 'pw', allowedIps: ['192.0.2.10'] });
  const wrongFar = await creds.authenticate('shop', 'wrong', '198.51.100.1');
  assert.equal(!wrongFar.ok && wrongFar.status, CommandStatus.ESME_RBINDFAIL);
  const wrongNear = await creds.authenticate('shop', 'wrong', '192.0.2.10');
  assert.equal(!wrongNear.ok && wrongNear.status, CommandStatus.ESME_RINVPASWD);
  assert.equal((await creds.authenticate('shop', 'pw', '192.0.2.10')).ok, true);
});
