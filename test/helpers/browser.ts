/**
 * What the browser tests share: Debian's chromium (never a browser a tool downloads), how it is
 * started (headless, no sandbox in CI's container, nothing that reaches the network), and the skip
 * message when it is not installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** `describe(…, { skip: BROWSER_SKIP })`: false when chromium is there, else why the suite is skipped. */
export const BROWSER_SKIP: string | false = existsSync(CHROMIUM) ? false : `browser tests need ${CHROMIUM}: apt-get update && apt-get install -y chromium`;

/** Chromium's flags for playwright-core's `launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })`. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium, started as every browser test starts it. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A page in a fresh context, JavaScript on or off (the pages claim to need none), 20 s for each step. */
export async function newPage(browser: Browser, javaScriptEnabled = false): Promise<Page> {
  const ctx = await browser.newContext({ javaScriptEnabled });
  ctx.setDefaultTimeout(20_000);
  return ctx.newPage();
}

/** Signs in at `/web/login` with a token (an API key, a regulator's or the centre's), as a person does: typed, then Enter. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/web/login`);
  await page.getByLabel('访问令牌').fill(token);
  await page.getByLabel('访问令牌').press('Enter');
}
