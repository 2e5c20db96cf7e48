/** What the web-page tests share: posting a form as a browser does, and signing in with a token. */
import assert from 'node:assert/strict';
import type { TestGateway } from './gateway.js';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A form body as a browser encodes it; an array value is the field repeated (checkboxes). */
export const form = (o: Record<string, string | string[]>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, x);
  return u.toString();
};

/** Signs in at /web/login with `token` and returns the session cookie (`name=value`). */
export async function webCookie(g: Pick<TestGateway, 'http'>, token: string): Promise<string> {
  const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: `token=${encodeURIComponent(token)}` });
  assert.equal(r.statusCode, 303, r.body);
  return String(r.headers['set-cookie']).split(';')[0];
}

/** Signs in with a new token of `role` (labelled `label`; a regulator's `scope`, every province unless given) and returns its cookie. */
export async function roleCookie(g: Pick<TestGateway, 'http' | 'app'>, role: 'regulator' | 'report-centre', label: string, scope?: Record<string, unknown>): Promise<string> {
  return webCookie(g, (await g.app.auth.createToken(role, label, null, scope)).token);
}

/** The staff most page suites sign in: a regulator of every province (`inspector`) and a report-centre clerk (`clerk`). */
export async function staffCookies(g: Pick<TestGateway, 'http' | 'app'>): Promise<{ regulator: string; centre: string }> {
  return { regulator: await roleCookie(g, 'regulator', 'inspector'), centre: await roleCookie(g, 'report-centre', 'clerk') };
}

/** The text of every `role="alert"` message on a page (errors, notices), tags stripped, joined by ` | `. */
export const alerts = (body: string): string => [...body.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim()).join(' | ');

/**
 * A regulator both ways: the signed-in page cookie and an API token's header, for tests that hold a
 * page's answer against the API's for the same regulator.
 */
export async function regulatorBothWays(g: Pick<TestGateway, 'http' | 'app'>): Promise<{ cookie: string; bearer: Record<string, string> }> {
  return { cookie: (await staffCookies(g)).regulator, bearer: { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'api', null)).token}` } };
}
