/**
 * The web sign-in is a server-side session (src/app/web-sessions.ts), not the person's API token in a
 * cookie. Before, the `sg_token` cookie held the token itself:
 *
 * - a copy of the cookie (a shared computer's browser profile, a proxy's log, a backup) was a bearer
 *   token for the whole API, and went on opening the pages after the person signed out, since signing
 *   out only cleared the cookie in that browser;
 * - a sign-in never lapsed while its token lived.
 *
 * Now the cookie `sg_session` holds a random id whose digest alone the store keeps; signing out
 * deletes it (a copy stops working), every page re-checks the token behind it (revoked: out at once),
 * and a sign-in ends after 8 h without a page or 7 days after it was opened (an injected clock here).
 * A cookie of before the change (`sg_token`) signs no one in and leads to the sign-in page saying the
 * sign-in is no longer valid.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway, ADMIN_TOKEN, type TestGateway } from '../helpers/gateway.js';
import { FORM, form, webCookie } from '../helpers/web.js';
import { hashSecret } from '../../src/app/secrets.js';

const HOUR = 3_600_000;
const STALE = '您的登录已失效（令牌已被撤销或已过期），请重新登录，登录后将回到原页面。';

/** A staff page opened with `cookie`: 200 when it signs in, else the 303 to the sign-in. */
const open = (g: Pick<TestGateway, 'http'>, cookie: string, url = '/web/cases') => g.http.inject({ method: 'GET', url, headers: { cookie } });
const signOut = (g: Pick<TestGateway, 'http'>, cookie: string) => g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
const notice = (body: string) => /id="login-notice"[^>]*>([^<]*)</.exec(body)?.[1];
const rows = (g: TestGateway) => g.store.db.prepare('SELECT id_hash, token_id FROM web_sessions').all() as { id_hash: string; token_id: string }[];

/** Opens `url` with `cookie` and expects the way to the sign-in, which says the sign-in is no longer valid. */
async function ledToStaleSignIn(g: TestGateway, cookie: string, url = '/web/cases'): Promise<void> {
  const r = await open(g, cookie, url);
  assert.equal(r.statusCode, 303, r.body.slice(0, 200));
  assert.equal(r.headers.location, `/web/login?next=${encodeURIComponent(url)}`);
  const login = await open(g, cookie, r.headers.location);
  assert.equal(login.statusCode, 200);
  assert.equal(notice(login.body), STALE);
}

describe('web sign-in sessions', () => {
  const suite = gatewaySuite();
  const { g } = suite;

  test('the cookie holds a random session id, not the token; the store keeps only its digest and the token\'s id', async () => {
    const clerk = await g.app.auth.createToken('report-centre', 'clerk');
    const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: clerk.token }) });
    assert.equal(r.statusCode, 303);
    const set = String(r.headers['set-cookie']);
    assert.match(set, /^sg_session=[A-Za-z0-9_-]{43}; Path=\/web; HttpOnly; SameSite=Strict; Max-Age=604800$/, '256 random bits, kept no longer than a sign-in may last');
    const id = /^sg_session=([^;]+)/.exec(set)![1];
    assert.ok(!set.includes(clerk.token) && !set.includes(encodeURIComponent(clerk.token)), 'the token is not in the cookie');
    assert.doesNotMatch(set, /sg_token=/);
    const mine = rows(g).filter((x) => x.token_id === clerk.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].id_hash, hashSecret(id), 'stored as its digest');
    assert.equal(rows(g).filter((x) => x.id_hash === id || x.id_hash === clerk.token || x.id_hash === hashSecret(clerk.token)).length, 0, 'neither the id nor the token stored');
    assert.equal((await open(g, `sg_session=${id}`)).statusCode, 200);
    // the cookie's value is no API credential
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: `Bearer ${id}` } })).statusCode, 401);
    // nor is the token a session id
    assert.equal((await open(g, `sg_session=${encodeURIComponent(clerk.token)}`)).statusCode, 303);
  });

  test('sign in, copy the cookie, sign out: the copy no longer opens a page, and leads to the sign-in saying so; another browser\'s sign-in stays', async () => {
    const clerk = await g.app.auth.createToken('report-centre', 'clerk two');
    const cookie = await webCookie(g, clerk.token);
    const copy = cookie;
    const otherBrowser = await webCookie(g, clerk.token);
    assert.notEqual(otherBrowser, cookie, 'each sign-in its own id');
    assert.equal((await open(g, copy)).statusCode, 200);
    const out = await signOut(g, cookie);
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/web/login?out=1');
    // the page it leads to says the sign-out took (it was a bare sign-in form, as before signing in)
    const after = await g.http.inject({ method: 'GET', url: '/web/login?out=1' });
    assert.match(after.body, /<div class="notice" role="status" id="login-notice">您已退出登录。在这台电脑上再次办理时，请重新登录。<\/div>/);
    assert.match((await g.http.inject({ method: 'GET', url: '/web/login?out=1&lang=en' })).body, /id="login-notice">You have signed out\. Sign in again to work on this computer\.<\/div>/);
    const first = (await g.http.inject({ method: 'GET', url: '/web/login' })).body;
    assert.doesNotMatch(first, /login-notice/, 'a first visit says nothing');
    // a provider's staff are told what to sign in with (the hint named only the operator's tokens)
    assert.match(first, /<p class="hint" id="token-hint">管理员为每位工作人员单独签发的令牌；企业员工请使用运营方为本企业签发的 API 密钥（以 sgk_ 开头）<\/p>/);
    assert.match(String(out.headers['set-cookie']), /^sg_session=; Path=\/web; HttpOnly; SameSite=Strict; Max-Age=0$/);
    await ledToStaleSignIn(g, copy);
    // a form posted with the copy is not taken either
    const post = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: copy }, payload: form({ contentProviderId: 'cp_x', category: 'warning', publicSummary: 'x' }) });
    assert.equal(post.statusCode, 303);
    assert.match(String(post.headers.location), /^\/web\/login\?next=.*&sent=1$/);
    assert.equal((await open(g, otherBrowser)).statusCode, 200, 'a sign-out ends that sign-in only');
    // signing in again ends the sign-in the browser had
    const again = await g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, cookie: otherBrowser }, payload: form({ token: ADMIN_TOKEN }) });
    assert.equal(again.statusCode, 303);
    assert.equal((await open(g, otherBrowser)).statusCode, 303, 'the replaced sign-in is gone');
    assert.equal((await open(g, String(again.headers['set-cookie']).split(';')[0], '/web/providers')).statusCode, 200);
  });

  test('a cookie from before sessions (sg_token, the token itself) signs no one in: the sign-in page says it lapsed, and signing in clears it', async () => {
    const clerk = await g.app.auth.createToken('report-centre', 'clerk three');
    const old = `sg_token=${encodeURIComponent(clerk.token)}`;
    await ledToStaleSignIn(g, old);
    const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, cookie: old }, payload: form({ token: clerk.token }) });
    assert.equal(r.statusCode, 303);
    const set = [r.headers['set-cookie']].flat().map(String);
    assert.ok(set.some((c) => /^sg_token=; Path=\/web; HttpOnly; SameSite=Strict; Max-Age=0$/.test(c)), set.join(' / '));
    assert.ok(set.some((c) => /^sg_session=[A-Za-z0-9_-]{43};/.test(c)), set.join(' / '));
  });

  test('a revoked token ends its sign-ins at once, and their rows', async () => {
    const clerk = await g.app.auth.createToken('report-centre', 'clerk four');
    const cookie = await webCookie(g, clerk.token);
    assert.equal((await open(g, cookie)).statusCode, 200);
    assert.equal(rows(g).filter((x) => x.token_id === clerk.id).length, 1, 'a sign-in of this token');
    await g.app.auth.revokeToken(clerk.id, 'test');
    await ledToStaleSignIn(g, cookie);
    await new Promise((r) => setImmediate(r));
    assert.equal(rows(g).filter((x) => x.token_id === clerk.id).length, 0, 'deleted when found so');
  });

  test('the principal and its role are the token\'s, as before: a provider\'s key signs in the provider, the page says so', async () => {
    const { cp } = suite;
    const before = new Set(rows(g).map((x) => x.id_hash));
    const cookie = await webCookie(g, cp.apiKey);
    const made = rows(g).filter((x) => !before.has(x.id_hash));
    assert.equal(made.length, 1);
    assert.equal((await g.store.directory.getToken(made[0].token_id))?.subject, cp.id, 'the sign-in names the provider\'s key');
    assert.match((await open(g, cookie, '/web/logout')).body, /<p id="logout-ask">您当前以“企业”身份登录。要退出吗？<\/p>/);
    assert.equal((await open(g, cookie, `/web/providers/${cp.id}`)).statusCode, 200, 'its own provider page');
  });
});

describe('web sign-in lifetimes (an injected clock)', () => {
  test('8 h without a page ends a sign-in; each page keeps it going, up to 7 days after it was opened; expired rows are purged', async () => {
    let now = Date.parse('2026-12-07T01:00:00Z');
    await withGateway({ webSessions: { now: () => now } }, async (g) => {
      const clerk = await g.app.auth.createToken('report-centre', 'clerk');
      const cookie = await webCookie(g, clerk.token);
      now += 8 * HOUR - 60_000;
      assert.equal((await open(g, cookie)).statusCode, 200, 'a minute short of 8 h idle');
      await new Promise((r) => setImmediate(r));
      now += 8 * HOUR - 60_000;
      assert.equal((await open(g, cookie)).statusCode, 200, 'the page before counted: idle again for under 8 h');
      now += 8 * HOUR;
      await ledToStaleSignIn(g, cookie);

      // used every 7 h, it still ends 7 days after it was opened
      const busy = await webCookie(g, clerk.token);
      const opened = now;
      while (now + 7 * HOUR < opened + 7 * 24 * HOUR) {
        now += 7 * HOUR;
        assert.equal((await open(g, busy)).statusCode, 200, `${(now - opened) / HOUR} h after the sign-in`);
        await new Promise((r) => setImmediate(r));
      }
      now = opened + 7 * 24 * HOUR;
      await ledToStaleSignIn(g, busy);

      // sign-ins left to lapse (a browser closed without signing out) are deleted in the background
      const left = await webCookie(g, clerk.token);
      assert.ok(left);
      now += 9 * HOUR;
      const before = rows(g).length;
      assert.ok(before >= 1);
      await webCookie(g, clerk.token); // a sign-in 10 min after the last purge runs the next
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(rows(g).map((x) => x.token_id), [clerk.id], 'only the new sign-in left');
    });
  });

  test('shorter lifetimes from the configuration are honoured', async () => {
    let now = Date.parse('2026-12-07T01:00:00Z');
    await withGateway({ webSessions: { now: () => now, idleMs: HOUR, maxMs: 2 * HOUR } }, async (g) => {
      const cookie = await webCookie(g, ADMIN_TOKEN);
      const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: ADMIN_TOKEN }) });
      assert.match(String(r.headers['set-cookie']), /Max-Age=7200$/);
      now += HOUR - 1;
      assert.equal((await open(g, cookie)).statusCode, 200);
      now += HOUR;
      assert.equal((await open(g, cookie)).statusCode, 303);
    });
  });
});
