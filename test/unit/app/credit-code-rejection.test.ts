/**
 * A credit code refused at registration (rule 1 of docs/REGULATION.md) answers like every other
 * compliance rejection: code, rule, the article of the edition in force and the profile. It named no
 * profile and cited Order 31's Arts. 6–7 under cn-2026 too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { PROFILE_IDS, resolveProfile } from '../../../src/profiles/index.js';
import { SmsguardError } from '../../../src/domain/errors.js';

for (const id of PROFILE_IDS) {
  test(`${id}: invalid_credit_code carries rule, the profile's article and the profile`, async () => {
    const store = new SqliteStore(':memory:');
    try {
      const profile = resolveProfile(id);
      const app = new App({ store, clock: new SimulatedClock(Date.parse('2026-11-30T04:00:00Z')), profile });
      const e = await app.createContentProvider({ role: 'admin', actorId: 'adm' }, { name: '示例科技有限公司', creditCode: '91350100M000100Y44' }).catch((x: unknown) => x);
      assert.ok(e instanceof SmsguardError);
      const body = e.toBody();
      assert.equal(body.code, 'invalid_credit_code');
      assert.equal(body.rule, 'registry.credit-code');
      assert.equal(body.profile, id);
      assert.equal(body.article, profile.rules['registry.credit-code']?.article);
      assert.match(body.article!, id === 'cn-2015' ? /^Art\. 6 .*Art\. 7 .*GB 32100-2015/ : /^Order 74 \(article not known; as Order 31 Art\. 6 /);
    } finally {
      await store.close();
    }
  });
}
