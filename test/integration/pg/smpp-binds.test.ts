/**
 * The deployment's live SMPP binds in PostgreSQL (src/store/postgres/smpp-binds.ts) and one process's
 * side of them (src/smpp/server/shared-binds.ts), with two stores on one schema standing for two
 * gateway processes and the wall clock passed in: claims of one credential's last slots from both at
 * once take exactly maxBinds; a released bind frees its slot at once, a bind no longer renewed frees
 * it when its lease lapses; each side learns how many other processes hold the credential; and with
 * the store out of reach a claim counts against the last known binds and a round keeps the counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PgSmppCredentials } from '../../../src/store/postgres/smpp-credentials.js';
import { SharedBinds, SMPP_BIND_LEASE_MS } from '../../../src/smpp/server/shared-binds.js';
import type { HeldBind, SmppBindRegistry } from '../../../src/ports/smpp-binds.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';

const credential = (id: string, maxBinds: number | null) => ({
  id, contentProviderId: 'cp_1', systemId: id, passwordHash: 'x', allowedIps: null, maxBinds, throughput: 10, defaultCategory: null, createdAt: 0, revokedAt: null,
});

test('smpp binds across processes: maxBinds taken exactly once under concurrent claims; released at once, lapsed with the lease; the other processes counted; the last counts kept when the store is out of reach', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    await new PgSmppCredentials(h.store.pool, h.store.writer).addSmppCredential(credential('cred_a', 3));
    let wall = 1_000_000_000;
    let down = false;
    const errors: string[] = [];
    const side = (registry: SmppBindRegistry, member: string) => {
      const held: HeldBind[] = [];
      let changes = 0;
      // a registry that can be made unreachable, as a store whose connections fail
      const flaky: SmppBindRegistry = {
        claim: (...a) => (down ? Promise.reject(new Error('store down')) : registry.claim(...a)),
        release: (...a) => (down ? Promise.reject(new Error('store down')) : registry.release(...a)),
        beat: (...a) => (down ? Promise.reject(new Error('store down')) : registry.beat(...a)),
        leave: (...a) => registry.leave(...a),
      };
      const s = new SharedBinds(flaky, { member, held: () => held, onChange: () => changes++, onError: (what) => errors.push(what), wallNow: () => wall });
      const claim = async (cred: string, max: number | null) => {
        const bindId = s.nextBindId();
        const local = held.filter((b) => b.credentialId === cred).length;
        const ok = await s.claim(bindId, cred, max, local);
        if (ok) held.push({ bindId, credentialId: cred });
        return ok;
      };
      return { s, held, claim, changes: () => changes };
    };
    const a = side(h.store.smppBinds, 'a');
    const b = side(otherStore.smppBinds, 'b');

    // eight claims at once from both processes for a credential of 3 binds: exactly 3 succeed
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).claim('cred_a', 3)));
    assert.equal(results.filter(Boolean).length, 3, `claims: ${results.join(',')}`);
    assert.equal(a.held.length + b.held.length, 3);
    // each side knows the other after a round (or from its own claim)
    await a.s.beat();
    await b.s.beat();
    const holders = (a.held.length ? 1 : 0) + (b.held.length ? 1 : 0);
    if (a.held.length) assert.equal(a.s.processesOf('cred_a'), holders);
    if (b.held.length) assert.equal(b.s.processesOf('cred_a'), holders);

    // a released bind frees its slot at once
    const [x, from] = a.held.length ? [a.held.pop()!, a] : [b.held.pop()!, b];
    from.s.release(x.bindId);
    await from.s.beat();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await a.claim('cred_a', 3), true, 'the released slot');
    assert.equal(await b.claim('cred_a', 3), false, 'still 3 in all');

    // B stops renewing (killed): its binds lapse with their lease; A's, renewed, do not
    const bHeld = b.held.length;
    assert.ok(bHeld > 0 || a.held.length === 3);
    wall += SMPP_BIND_LEASE_MS / 2;
    await a.s.beat();
    wall += SMPP_BIND_LEASE_MS / 2 + 1;
    await a.s.beat();
    for (let i = 0; i < bHeld; i++) assert.equal(await a.claim('cred_a', 3), true, `B's lapsed slot ${i + 1}`);
    assert.equal(await a.claim('cred_a', 3), false, 'A holds all 3');
    assert.equal(a.s.processesOf('cred_a'), 1, 'A alone holds binds of it now');

    // B binds a credential of no limit; A, once it holds one too, sees B; then the store goes away
    await new PgSmppCredentials(h.store.pool, h.store.writer).addSmppCredential(credential('cred_b', null));
    assert.equal(await b.claim('cred_b', null), true);
    assert.equal(await b.claim('cred_b', null), true);
    assert.equal(await a.claim('cred_b', null), true);
    assert.equal(a.s.processesOf('cred_b'), 2, 'A learnt of B at its claim');
    down = true;
    // a round fails: the counts stay (never back to the whole rate on every process)
    await a.s.beat();
    assert.equal(a.s.processesOf('cred_b'), 2);
    // a claim fails open to the last known count: B's 2 binds + A's 1 against a limit of 4 → one more, then no
    assert.equal(await a.claim('cred_b', 4), true);
    assert.equal(await a.claim('cred_b', 4), false);
    assert.ok(errors.length > 0, 'the outage was reported');
    down = false;
    // the binds accepted while the store was away are written at the next round
    await a.s.beat();
    await b.s.beat();
    assert.equal(b.s.processesOf('cred_b'), 2);
    assert.equal(await b.claim('cred_b', 4), false, 'A\'s bind accepted during the outage counts once it is written: B 2 + A 2 ≥ 4');

    // a process that leaves frees all its binds at once
    await b.s.stop();
    assert.equal(await a.claim('cred_b', 4), true, 'B left: A holds 2 of 4');
    await a.s.stop();
  });
});
