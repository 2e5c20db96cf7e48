/**
 * `/web/logout` typed into the address bar (a GET) was a page-not-found. It is now a small page with a
 * sign-out button that posts to the same address (with the usual protection: another site's post is
 * refused); a GET itself signs no one out, so a link or an image on another page cannot.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { staffCookies } from '../helpers/web.js';

describe('GET /web/logout', () => {
  const { g } = gatewaySuite();
  let regulator = '';
  before(async () => {
    regulator = (await staffCookies(g)).regulator;
  });

  test('signed in: a page with a sign-out button that posts; the GET clears no cookie and the sign-in still works', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/web/logout', headers: { cookie: regulator } });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.headers['content-type'] as string, /^text\/html/);
    assert.equal(r.headers['x-frame-options'], 'DENY', 'a page like the others: not to be framed and clicked');
    assert.match(r.body, /<title>退出登录 · smsguard<\/title>/);
    assert.match(r.body, /<p id="logout-ask">您当前以“监管机构”身份登录。要退出吗？<\/p>/);
    assert.match(r.body, /<form method="post" action="\/web\/logout" id="logout-form"><button type="submit">退出<\/button><\/form>/);
    assert.equal(r.headers['set-cookie'], undefined, 'a GET signs no one out');
    assert.equal((await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: regulator } })).statusCode, 200);
    const en = await g.http.inject({ method: 'GET', url: '/web/logout?lang=en', headers: { cookie: regulator } });
    assert.match(en.body, /<p id="logout-ask">You are signed in as regulator\. Sign out\?<\/p>/);
    assert.match(en.body, /<button type="submit">Sign out<\/button>/);
    // the button's post signs out, as the navigation's does; from another site it is refused
    const cross = await g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie: regulator, 'sec-fetch-site': 'cross-site' } });
    assert.equal(cross.statusCode, 403);
    const out = await g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie: regulator, 'sec-fetch-site': 'same-origin' } });
    assert.equal(out.statusCode, 303);
    assert.match(String(out.headers['set-cookie']), /^sg_session=; Path=\/web; HttpOnly; SameSite=Strict; Max-Age=0/);
  });

  test('not signed in: says so, with the way to sign in, and no button', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/web/logout' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<p id="logout-ask">您没有登录。<a href="\/web\/login">工作人员登录<\/a><\/p>/);
    assert.ok(!r.body.includes('id="logout-form"'));
  });
});
