/**
 * Templates and content settings changed through one gateway process reach the others sharing the
 * PostgreSQL store (docs/CONTENT.md "Several processes"): each process keeps every provider's
 * approved templates compiled in memory for the message path, and only the process that made a
 * change recompiled them. Two apps on one schema stand for two processes; `syncTemplates` is the
 * round a gateway runs every 10 s (src/app/template-sync.ts).
 *
 * Before: with templates `required`, a template approved through A stayed unknown to B (its messages
 * refused `template_mismatch` there until B restarted), and a mode set or a link domain withdrawn
 * through A did not bind B.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import type { ContentGovernance } from '../../../src/app/content-governance.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { PgContentStore } from '../../../src/store/postgres/content.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';

const ADMIN = { role: 'admin', actorId: 'admin_test' } as const;

async function proc(store: PostgresStore): Promise<{ app: App; gov: ContentGovernance }> {
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
  const gov = await installContentGovernance(app, new PgContentStore(store.pool, store.writer), {});
  return { app, gov };
}

test('a template approved, a mode set and a link domain withdrawn through one process bind the other at its next template round', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const a = await proc(h.store);
    const { id: cp } = await a.app.createContentProvider(ADMIN, { name: '好运快递有限公司', creditCode: await validCreditCode() });
    await a.app.addSignature(ADMIN, cp, { signature: '【好运快递】' });
    await a.app.addPort(ADMIN, { number: '10690141', contentProviderId: cp, kind: 'service' });
    await a.gov.setContentSettings(ADMIN, cp, { templates: 'required', linkDomains: ['haoyun.example.com'] });
    // B starts now: it reads the settings (required) with no template approved yet
    const b = await proc(otherStore);
    const provider = { role: 'content-provider', contentProviderId: cp, actorId: 'tok_cp' } as const;
    let n = 0;
    const send = (p: { app: App }, text: string) => p.app.submitMessage(provider, { from: '10690141', to: `139001414${String(n++).padStart(2, '0')}`, text, type: 'notification' }, 'http');
    const code = async (p: { app: App }, text: string) => {
      const o = await send(p, text);
      return o.ok ? 'accepted' : o.error.code;
    };

    const t = await a.gov.submitTemplate(ADMIN, { contentProviderId: cp, signature: '【好运快递】', type: 'notification', body: '您的快递${no:code(12)}已到驿站，详见 haoyun.example.com/t' });
    assert.equal(t.status, 'pending', JSON.stringify(t.violations));
    await a.gov.reviewTemplate(ADMIN, t.id, { decision: 'approve' });
    const parcel = '【好运快递】您的快递SF1234已到驿站，详见 haoyun.example.com/t';
    assert.equal(await code(a, parcel), 'accepted');
    assert.equal(await code(b, parcel), 'template_mismatch', 'B has not had a round yet');
    assert.equal(await b.gov.syncTemplates(), 1, 'one provider recompiled');
    assert.equal(await code(b, parcel), 'accepted', 'the approval reached B');
    assert.equal(await b.gov.syncTemplates(), 0, 'nothing changed: nothing recompiled');

    // the link domain withdrawn through A stops the template on B too
    await a.gov.setContentSettings(ADMIN, cp, { linkDomains: [] });
    assert.equal(await code(a, parcel), 'template_mismatch');
    await b.gov.syncTemplates();
    assert.equal(await code(b, parcel), 'template_mismatch');

    // templates off through A: B lets a free text through after its round
    await a.gov.setContentSettings(ADMIN, cp, { templates: 'off' });
    const free = '【好运快递】您的快递已到驿站，请及时领取。';
    assert.equal(await code(a, free), 'accepted');
    assert.equal(await code(b, free), 'template_mismatch');
    await b.gov.syncTemplates();
    assert.equal(await code(b, free), 'accepted');
  });
});
