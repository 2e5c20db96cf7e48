/**
 * The carrier links page in a real browser, without JavaScript: the operator signs in, follows the
 * menu to the links, reads the simulator link bound with its counters, and reads it again in English.
 * A regulator finds no such entry in its menu and gets 403 at the address. The operator stops the
 * link with its button and starts it again (plain POST forms); a post without the sign-in cookie
 * does nothing. Against an SMSC that refuses transceiver binds, the page shows each link's bind mode:
 * the tx+rx link with its transmitter and receiver sessions, each bound, the trx link not bound, in
 * Chinese and English. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import type { SmppDoors } from '../../src/smpp/compose.js';
import { startSimulatorEgress } from '../helpers/smpp-doors.js';
import { startSmpp } from '../../src/smpp/compose.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { FakeSmsc } from '../fakes/smpp/fake-smsc.js';
import { until } from '../helpers/wait.js';

describe('the carrier links page in the browser', { skip: BROWSER_SKIP }, () => {
  let smpp: SmppDoors;
  let regulatorToken: string;
  const web = browserSuite({ setup: async (g) => {
    const cp = await onboard(g);
    regulatorToken = (await g.app.auth.createToken('regulator', 'inspector')).token;
    // the egress as `start` composes it: the built-in simulator over SMPP, the client on its thread
    smpp = await startSimulatorEgress(g);
    const sent = await smpp.egress!.submit({ id: 'msg_web_links_1', contentProviderId: cp.id, from: '10690001', to: '+8613800138000', text: '【示例】链路页面', registeredDelivery: true, attempts: 0, submittedAt: g.clock.now() });
    assert.ok(sent.ok);
    return { close: () => smpp.close() };
  } });

  test('the operator: menu → links, the simulator link bound with its counters, in Chinese and English', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '运营商链路' }).click();
    await page.waitForURL(/\/web\/links$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '运营商链路状态');
    const row = page.locator('#links tbody tr[data-link="simulator"]');
    assert.equal(await row.count(), 1);
    assert.equal(await row.getByRole('rowheader').textContent(), 'simulator');
    assert.equal(await row.locator('.link-state').textContent(), '已绑定');
    assert.equal(await row.locator('.link-submitted').textContent(), '1');
    assert.equal(await row.locator('.link-load').textContent(), '0 / 1000');
    assert.equal(await page.locator('#links-stale').count(), 0);

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Carrier links');
    assert.equal(await page.locator('#links tbody tr[data-link="simulator"] .link-state').textContent(), 'bound');
    assert.ok(await page.getByRole('columnheader', { name: 'Reconnects' }).isVisible());
  });

  test('a regulator: no entry in the menu, 403 at the address', async () => {
    const page = await web.signedIn(regulatorToken, /\/web\/credit/);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: '运营商链路' }).count(), 0);
    const r = await page.goto(`${web.base}/web/links`);
    assert.equal(r?.status(), 403);
    assert.equal(await page.locator('#links').count(), 0);
  });

  test('signed out: the sign-in page, back to the links after', async () => {
    const page = await web.page();
    await page.goto(`${web.base}/web/links`);
    await page.waitForURL(/\/web\/login\?next=%2Fweb%2Flinks/);
    await page.getByLabel('访问令牌').fill(ADMIN_TOKEN);
    await page.getByLabel('访问令牌').press('Enter');
    await page.waitForURL(/\/web\/links$/);
    assert.equal(await page.locator('#links tbody tr').count(), 1);
  });

  test('the operator stops the link with its button and starts it again, without JavaScript', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/links`);
    const row = page.locator('#links tbody tr[data-link="simulator"]');
    assert.equal(await row.locator('.link-state').textContent(), '已绑定');
    await row.getByRole('button', { name: '停用 simulator' }).click();
    await page.waitForURL(/\/web\/links\?done=stop$/);
    assert.equal(await page.locator('#links-done').textContent(), '链路已停用。');
    assert.equal(await row.locator('.link-state').textContent(), '已停用（运维）');
    assert.match((await row.locator('.link-stopped').textContent()) ?? '', /停用人 tok_/);
    assert.equal((await smpp.egress!.linkStatus(2000)).links[0].state, 'stopped');

    await row.getByRole('button', { name: '启用 simulator' }).click();
    await page.waitForURL(/\/web\/links\?done=start$/);
    assert.equal(await page.locator('#links-done').textContent(), '链路已启用，正在重新绑定。');
    assert.equal(await row.locator('.link-stopped').count(), 0);
    assert.ok(await smpp.egress!.waitUp(5000));
    await page.reload();
    assert.equal(await row.locator('.link-state').textContent(), '已绑定');
    assert.equal(await row.getByRole('button', { name: '停用 simulator' }).count(), 1);
  });

  test('a post without the sign-in cookie (another site\'s form) stops nothing', async () => {
    const ctx = await web.browser.newContext();
    try {
      // marked as another site's: refused as such (403), before any sign-in is looked at
      const r = await ctx.request.post(`${web.base}/web/links/simulator/stop`, { maxRedirects: 0, headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(r.status(), 403);
      assert.match(await r.text(), /这个表单是从其他网站提交的，未予办理/);
      // unmarked (a script, an old browser): without the cookie it leads to the sign-in
      const bare = await ctx.request.post(`${web.base}/web/links/simulator/stop`, { maxRedirects: 0 });
      assert.equal(bare.status(), 303);
      assert.match(bare.headers().location ?? '', /\/web\/login/);
      assert.equal((await smpp.egress!.linkStatus(2000)).links[0].state, 'bound');
    } finally {
      await ctx.close();
    }
  });
});

describe('the carrier links page in the browser: bind modes and a tx+rx link\'s sessions', { skip: BROWSER_SKIP }, () => {
  let smpp: SmppDoors;
  const web = browserSuite({ setup: async (g) => {
    // a carrier SMSC that takes only separate binds (SMPP 3.4 §2.2): the tx+rx link binds, the trx one cannot
    const smsc = new FakeSmsc({ misbehaviour: 'refuses_transceiver' });
    await smsc.listen();
    const at = `carrier:pw@127.0.0.1:${smsc.port}`;
    smpp = await startSmpp({
      app: g.app, credentialStore: new SqliteSmppCredentials(g.store.db),
      contentProviderExists: async () => true, portKind: async () => null, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred'),
      smppPort: null, smppHost: '127.0.0.1', upstream: `smpp://${at}?name=split&bind=tx%2Brx,smpp://${at}?name=combined`,
    });
    g.app.setUpstreamLinks(smpp.egress);
    await until(async () => (await smpp.egress!.linkStatus(2000)).links.find((l) => l.name === 'split')?.sessions.every((s) => s.state === 'bound') ?? false, 5000, 'both sessions of the tx+rx link bound');
    return { close: async () => { await smpp.close(); await smsc.close(); } };
  } });

  test('the operator reads each link\'s bind mode, and the tx+rx link\'s transmitter and receiver with their states', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/links`);
    assert.ok(await page.getByRole('columnheader', { name: '绑定方式' }).isVisible());
    const split = page.locator('#links tbody tr[data-link="split"]');
    assert.equal(await split.locator('.link-bind').textContent(), '收发分离（transmitter + receiver）');
    const sessions = split.locator('.link-session');
    assert.equal(await sessions.count(), 2);
    assert.deepEqual(await sessions.locator('.session-type').allTextContents(), ['发送会话', '接收会话']);
    assert.deepEqual(await sessions.locator('.session-state').allTextContents(), ['已绑定', '已绑定']);
    const combined = page.locator('#links tbody tr[data-link="combined"]');
    assert.equal(await combined.locator('.link-bind').textContent(), '收发合一（transceiver）');
    assert.equal(await combined.locator('.link-session').count(), 0, "one session: the link's own state says it");
    assert.notEqual(await combined.locator('.link-state').textContent(), '已绑定', 'the SMSC refuses its transceiver bind');

    await page.goto(`${web.base}/web/links?lang=en`);
    assert.ok(await page.getByRole('columnheader', { name: 'Bind' }).isVisible());
    assert.equal(await split.locator('.link-bind').textContent(), 'a transmitter and a receiver (tx+rx)');
    assert.deepEqual(await split.locator('.link-session').allTextContents(), [
      expect('transmitter', await smpp.egress!.linkStatus(2000), 0),
      expect('receiver', await smpp.egress!.linkStatus(2000), 1),
    ]);
    assert.equal(await combined.locator('.link-bind').textContent(), 'one transceiver session (trx)');
    await page.context().close();
  });
});

/** A session's line as the English page should say it: its bind type, state and since when (from the status). */
function expect(type: string, snap: Awaited<ReturnType<NonNullable<SmppDoors['egress']>['linkStatus']>>, i: number): string {
  const s = snap.links.find((l) => l.name === 'split')!.sessions[i];
  assert.equal(s.bindType, type);
  const since = new Date(s.boundSince! + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  return `${type}: bound (since ${since})`;
}
