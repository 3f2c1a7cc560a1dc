import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * A real browser for the web UI's tests: Debian's `chromium` package, driven by playwright-core (which downloads
 * no browser of its own). Never downloads a browser: it is the system's, or the one CHARTROOM_TEST_CHROMIUM names.
 */

const DEBIAN_BIN = '/usr/bin/chromium';
const HOW = 'browser tests need Chromium: run them as root on Debian (they install chromium), run apt-get install -y chromium, or set CHARTROOM_TEST_CHROMIUM to a Chromium or Chrome binary';

/** The browser binary: CHARTROOM_TEST_CHROMIUM, else Debian's chromium, installed when missing (as root). */
export function chromiumPath(): string {
  const named = process.env.CHARTROOM_TEST_CHROMIUM;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHARTROOM_TEST_CHROMIUM=${named} does not exist. ${HOW}`);
    return named;
  }
  if (existsSync(DEBIAN_BIN)) return DEBIAN_BIN;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) throw new Error(`${DEBIAN_BIN} is missing and this is not root on Debian. ${HOW}`);
  try {
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (e) {
      throw new Error(`apt-get install -y chromium failed (${(e as Error).message.split('\n')[0]}). ${HOW}`);
    }
  }
  if (!existsSync(DEBIAN_BIN)) throw new Error(`apt-get installed chromium, but ${DEBIAN_BIN} is still missing. ${HOW}`);
  return DEBIAN_BIN;
}

/**
 * Starts headless Chromium (no sandbox: tests run as root in containers, where the sandbox cannot start). Its
 * HOME and XDG folders are a temporary folder of its own, removed when it closes: Chromium writes there (its NSS
 * database, caches), and the test run's HOME must stay empty (test/setup/home.ts).
 */
export async function launchBrowser(): Promise<Browser> {
  const home = mkdtempSync(join(tmpdir(), 'chartroom-chromium-'));
  const env: Record<string, string> = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state') };
  for (const name of ['PATH', 'LANG', 'TZ', 'FONTCONFIG_PATH']) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'], env });
    browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
    return browser;
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
}

/** What went wrong on a page while a test used it: console errors, uncaught exceptions, failed and 5xx requests. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** Everything above, one line each, for `expect(...).toEqual([])`. */
  all: () => string[];
  /** Forgets what was recorded so far (after a step that fails on purpose, e.g. a 404 page). */
  clear: () => void;
}

/** Records a page's problems from now on (see PageProblems). */
export function recordProblems(page: Page): PageProblems {
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    all: () => [...problems.consoleErrors.map((m) => `console: ${m}`), ...problems.pageErrors.map((m) => `page error: ${m}`), ...problems.failedRequests.map((m) => `request: ${m}`)],
    clear: () => {
      problems.consoleErrors.length = 0;
      problems.pageErrors.length = 0;
      problems.failedRequests.length = 0;
    },
  };
  page.on('console', (m) => {
    // The browser's own probe for /favicon.ico (no page asks for it) is not a page's error.
    if (m.type() === 'error' && !/^[a-z]+:\/\/[^/]+\/favicon\.ico$/.test(m.location().url)) problems.consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  // A request the page itself gave up (a search superseded by the next keystroke, a navigation away) is not a failure.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? 'failed';
    if (why !== 'net::ERR_ABORTED') problems.failedRequests.push(`${r.method()} ${r.url()}: ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.failedRequests.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  return problems;
}

/** A fresh context (own cookies and storage) and one page in it whose problems are recorded. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return { context, page, problems: recordProblems(page) };
}
