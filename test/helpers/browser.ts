/**
 * What the browser tests share: Debian's chromium (never a browser a tool downloads), how it is
 * started (headless, no sandbox in CI's container, nothing that reaches the network), and the skip
 * message when it is not installed (.ci/run installs it), and a suite's gateway served to it
 * ({@link browserSuite}).
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, type GatewayOptions, type TestGateway } from './gateway.js';

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

/** How {@link browserSuite} sets up: the gateway's options, and the suite's own seeding. */
export interface BrowserSuiteOptions extends GatewayOptions {
  /**
   * Seeds the gateway before it listens. It may hand back the HTTP app to serve instead of the
   * gateway's (one with a plugin installed on top) and what to close before the gateway closes.
   */
  setup?: (g: TestGateway) => Promise<void | { http?: FastifyInstance; close?: () => Promise<void> }>;
}

/** A browser suite's gateway, its address and Debian's chromium: filled in by the suite's first `before`. */
export interface BrowserSuite {
  /** The gateway, filled in place (destructure it as `const { g } = web`). */
  readonly g: TestGateway;
  /** `http://127.0.0.1:<port>` the pages are served at. */
  readonly base: string;
  readonly browser: Browser;
  /** A page in a fresh context of its own ({@link newPage}): no cookies, JavaScript off unless asked. */
  page(javaScriptEnabled?: boolean): Promise<Page>;
  /** A fresh page signed in with `token` ({@link signIn}), once it has landed on an address matching `landing`. */
  signedIn(token: string, landing: RegExp, javaScriptEnabled?: boolean): Promise<Page>;
}

/**
 * What every browser suite sets up and tears down, in one place: registers a `before` that starts a
 * test gateway, runs `setup`, listens on a free local port and starts chromium ({@link launchChromium}),
 * and an `after` that closes chromium, what `setup` asked to close, and the gateway, each only if it
 * was started (so a failed start reports its own error, not one from here).
 */
export function browserSuite(opts: BrowserSuiteOptions = {}): BrowserSuite {
  const { setup, ...start } = opts;
  const g = {} as TestGateway;
  let started: TestGateway | undefined;
  let closeSetup: (() => Promise<void>) | undefined;
  let base = '';
  let browser: Browser | undefined;
  before(async () => {
    started = await startTestGateway(start);
    Object.assign(g, started);
    const own = (await setup?.(g)) ?? {};
    closeSetup = own.close;
    base = await (own.http ?? g.http).listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await closeSetup?.();
    await started?.close();
  });
  const suite: BrowserSuite = {
    g,
    get base() { return base; },
    get browser() {
      if (!browser) throw new Error('browserSuite: chromium is not started yet (read it in a test, not at describe time)');
      return browser;
    },
    page: (javaScriptEnabled = false) => newPage(suite.browser, javaScriptEnabled),
    async signedIn(token, landing, javaScriptEnabled = false) {
      const page = await newPage(suite.browser, javaScriptEnabled);
      await signIn(page, base, token);
      await page.waitForURL(landing);
      return page;
    },
  };
  return suite;
}
