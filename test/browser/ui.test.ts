import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { launchBrowser, openPage, type PageProblems } from '../support/chromium.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

/**
 * The web UI in a real browser (headless Chromium from Debian, driven by playwright-core): search as you type and
 * without JavaScript, the chart page and its script (tabs, copy buttons), comparing versions, hostile charts that
 * must stay inert, and the login, sign-out and delete flow. Every page visited must log no console error, throw
 * nothing and fail no request.
 */

const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let browser: Browser;
/** Reads open to anyone; writes need the admin's credentials. */
let open: RunningRegistry & { logs: string[] };
/** Reads need credentials: browsers sign in through the login form. */
let strict: RunningRegistry & { logs: string[] };

/** A chart archive in memory, as `chart package` writes it. */
function chart(name: string, version: string, chartYaml: string, files: Record<string, string> = {}): Buffer {
  const all: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n${chartYaml}`,
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
    ...files,
  };
  return writeChartArchive(name, Object.entries(all).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

async function publish(reg: RunningRegistry, data: Buffer, path = '/api/charts'): Promise<void> {
  const r = await fetch(`${reg.url}${path}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
  expect(r.status).toBe(201);
}

const WEB_CHART_YAML = `description: A web server for the team
appVersion: "2.4.1"
home: https://example.com/web
keywords: [http, server]
maintainers:
  - name: Ada
    email: ada@example.com
dependencies:
  - name: redis
    version: ^1.0.0
    repository: https://charts.example.com
  - name: elsewhere
    version: 1.x
    repository: https://other.example.com
`;

const webValues = (replicas: number, tag: string) => `# -- How many pods
replicas: ${replicas}
image:
  # -- The image tag
  tag: "${tag}"
  pullPolicy: IfNotPresent
`;

const WEB_README = '# Web\n\nServes **pages**.\n\n## Configuration\n\nSee the [values](#values).\n\n## Upgrading\n\nRead the changes.\n';

const HOSTILE_CHART_YAML = `description: "<script>window.__trap.push('desc')</script><img src=x onerror=alert('desc-img')>"
maintainers:
  - name: "<script>alert('maintainer')</script>"
    url: "javascript:alert('maintainer-url')"
home: "javascript:alert('home')"
icon: "data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'icon\')"><script>alert(\'icon-script\')</script></svg>').toString('base64')}"
keywords: ["<img src=x onerror=alert('keyword')>"]
annotations:
  example.com/evil: '"><svg onload=alert(4)>'
`;

const HOSTILE_README = `# Evil <script>alert('h')</script>

<script>alert('readme')</script>
<img src="data:image/png;base64,AAAA" onerror="alert('onerror')">
<img src="data:," onerror="alert('onerror2')">
<svg onload="alert('svg')"><circle r="1"/></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<a id="jslink" href="javascript:alert('link')">click me</a>
<a href="jAvAsCrIpT:alert('link2')">click me too</a>
[markdown link](javascript:alert('md'))
<div style="background:url(javascript:alert('css'))" onclick="alert('click')">styled</div>
`;

/** Names for the search: two match "postgres", the rest do not. */
const SEARCH_FILLER = ['postgres', 'postgres-operator', 'mysql', 'nginx', 'memcached', 'rabbitmq', 'kafka', 'zookeeper'];

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  [open, strict, browser] = await Promise.all([
    startTestRegistry({ storageDir: join(tmp.dir, 'open'), htpasswd: join(tmp.dir, 'htpasswd') }),
    startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true }),
    launchBrowser(),
  ]);
  await publish(open, chart('web', '1.0.0', WEB_CHART_YAML, { 'values.yaml': webValues(1, '1.2.3'), 'README.md': WEB_README }));
  await publish(open, chart('web', '1.1.0', WEB_CHART_YAML, { 'values.yaml': webValues(3, '1.3.0'), 'README.md': WEB_README, 'templates/svc.yaml': 'apiVersion: v1\nkind: Service\n' }));
  await publish(open, chart('redis', '1.0.0', 'description: a cache\n'));
  await publish(open, chart('evil', '0.1.0', HOSTILE_CHART_YAML, { 'README.md': HOSTILE_README }));
  for (const name of SEARCH_FILLER) await publish(open, chart(name, '1.0.0', `description: the ${name} chart\n`));
  // More than a page of results (20 a page) for one query.
  for (let i = 0; i < 25; i++) await publish(open, chart(`bulk-${String(i).padStart(2, '0')}`, '1.0.0', 'description: one of many bulk charts\n'));
  await publish(open, chart('postgres', '2.0.0', 'description: team postgres\n'), '/api/team-a/charts');
  await publish(strict, chart('web', '1.0.0', WEB_CHART_YAML, { 'README.md': WEB_README }));
  await publish(strict, chart('web', '1.1.0', WEB_CHART_YAML, { 'README.md': WEB_README }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await open?.close();
  await strict?.close();
  tmp.cleanup();
});

/** Runs a step with a fresh context and page; the page must end with no console error, page error or failed request. */
async function withPage(fn: (page: Page, problems: PageProblems, context: BrowserContext) => Promise<void>, options: Parameters<typeof openPage>[1] = {}): Promise<void> {
  const { context, page, problems } = await openPage(browser, options);
  page.setDefaultTimeout(10_000);
  try {
    await fn(page, problems, context);
    expect(problems.all()).toEqual([]);
  } finally {
    await context.close();
  }
}

const resultNames = (page: Page) => page.locator('#results li.result a.result-name').allTextContents();

describe('home and search', () => {
  it('narrows the results as you type, and keeps the query in the address', async () => {
    await withPage(async (page) => {
      await page.goto(`${open.url}/`);
      expect(await page.locator('form[role=search] input[name=q]').count()).toBe(1);
      const before = await page.locator('#results li.result').count();
      expect(before).toBe(20);
      expect(await page.locator('#result-count').textContent()).toMatch(new RegExp(`^\\s*${SEARCH_FILLER.length + 3 + 25 + 1} charts\\b`));
      // The input is labelled "Search charts".
      await page.getByLabel('Search charts').pressSequentially('postgres', { delay: 30 });
      await page.waitForFunction((n) => document.querySelectorAll('#results li.result').length < n, before);
      await page.waitForURL((u) => u.searchParams.get('q') === 'postgres');
      await page.waitForFunction(() => /^\s*3 charts?\b/.test(document.getElementById('result-count')?.textContent ?? ''));
      const names = await resultNames(page);
      expect(names.sort()).toEqual(['postgres', 'postgres', 'postgres-operator']);
      // Each result shows its version and description; a tenant's result links into its repository.
      const first = page.locator('#results li.result').first();
      expect(await first.locator('.result-version').textContent()).toMatch(/\d+\.\d+\.\d+/);
      expect(await first.locator('.result-description').textContent()).toMatch(/postgres/);
      const hrefs = await page.locator('#results a.result-name').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      expect(hrefs.sort()).toEqual(['/ui/charts/postgres', '/ui/charts/postgres-operator', '/ui/r/team-a/charts/postgres']);
      // The address is linkable: loading it again gives the same results from the server.
      await page.reload();
      expect((await resultNames(page)).sort()).toEqual(['postgres', 'postgres', 'postgres-operator']);
      // A result leads to its chart page.
      await page.locator('#results a.result-name', { hasText: /^postgres-operator$/ }).click();
      await page.waitForURL(/\/ui\/charts\/postgres-operator\/1\.0\.0$/);
      expect(await page.locator('h1').textContent()).toContain('postgres-operator');
    });
  });

  it('works without JavaScript: the form submits the query', async () => {
    await withPage(
      async (page) => {
        await page.goto(`${open.url}/`);
        await page.getByLabel('Search charts').fill('mysql');
        await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'mysql'), page.getByLabel('Search charts').press('Enter')]);
        expect(await resultNames(page)).toEqual(['mysql']);
        expect(await page.locator('#result-count').textContent()).toMatch(/^\s*1 chart\b/);
      },
      { javaScriptEnabled: false },
    );
  });

  it('filters by repository, and pages through many results', async () => {
    await withPage(async (page) => {
      await page.goto(`${open.url}/?q=postgres&repo=team-a`);
      expect(await resultNames(page)).toEqual(['postgres']);
      expect(await page.locator('#results .result-version').first().textContent()).toContain('2.0.0');
      await page.goto(`${open.url}/?q=postgres&repo=%2F`);
      expect((await resultNames(page)).sort()).toEqual(['postgres', 'postgres-operator']);
      // No pagination links with one page of results.
      expect(await page.locator('nav.pagination a[rel=next]').count()).toBe(0);
      // 25 results: two pages, linked both ways.
      await page.goto(`${open.url}/?q=bulk`);
      expect(await page.locator('#result-count').textContent()).toMatch(/^\s*25 charts\b/);
      expect(await page.locator('#results li.result').count()).toBe(20);
      expect(await page.locator('nav.pagination a[rel=prev]').count()).toBe(0);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('page') === '2' && u.searchParams.get('q') === 'bulk'), page.locator('nav.pagination a[rel=next]').click()]);
      const second = await resultNames(page);
      expect(second).toHaveLength(5);
      const all = new Set([...second]);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('page') !== '2'), page.locator('nav.pagination a[rel=prev]').click()]);
      for (const n of await resultNames(page)) all.add(n);
      expect(all.size).toBe(25);
    });
  });

  it('is reachable with the keyboard: Tab reaches the search input, then the results', async () => {
    await withPage(async (page) => {
      await page.goto(`${open.url}/?q=redis`);
      const reached = async (selector: string, presses: number) => {
        for (let i = 0; i < presses; i++) {
          await page.keyboard.press('Tab');
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
        }
        return false;
      };
      expect(await reached('input[name=q]', 10)).toBe(true);
      expect(await reached('#results a.result-name', 15)).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('redis');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ui\/charts\/redis\/1\.0\.0$/);
    });
  });
});

describe('the chart page', () => {
  it('shows the README headings, the values table, versions, dependencies and install commands', async () => {
    await withPage(async (page) => {
      const r = await page.goto(`${open.url}/ui/charts/web`);
      expect(r?.status()).toBe(200);
      expect(page.url()).toBe(`${open.url}/ui/charts/web/1.1.0`);
      expect(await page.locator('h1').first().textContent()).toBe('web 1.1.0');
      expect(await page.locator('.readme h1').textContent()).toBe('Web');
      expect(await page.locator('.readme h2').allTextContents()).toEqual(['Configuration', 'Upgrading']);
      expect(await page.locator('.readme strong').textContent()).toBe('pages');
      // The values table: key path, type, default, description.
      const rows = await page.locator('section#values table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      expect(rows).toEqual(expect.arrayContaining([expect.arrayContaining(['replicas', '3', 'How many pods']), expect.arrayContaining(['image.tag', 'The image tag'])]));
      // Versions, newest first, the current one marked.
      expect(await page.locator('section#versions table tbody tr td:first-child').allTextContents()).toEqual(['1.1.0', '1.0.0']);
      expect(await page.locator('section#versions tr[aria-current=page]').textContent()).toContain('1.1.0');
      // Dependencies: the one in this registry is a link to its page.
      const deps = page.locator('table.dependencies tbody tr');
      expect(await deps.count()).toBe(2);
      expect(await deps.nth(0).locator('a').textContent()).toBe('redis');
      expect(await deps.nth(1).locator('a').count()).toBe(0);
      // Install commands.
      const host = new URL(open.url).host;
      expect(await page.locator('code#cmd-chart').textContent()).toBe(`chart install RELEASE ${open.url}/charts/web-1.1.0.tgz`);
      expect(await page.locator('code#cmd-repo-add').textContent()).toBe(`helm repo add chartroom ${open.url}`);
      expect(await page.locator('code#cmd-helm-install').textContent()).toBe('helm install RELEASE chartroom/web --version 1.1.0');
      expect(await page.locator('code#cmd-oci').textContent()).toBe(`helm pull oci://${host}/web --version 1.1.0`);
      // Only the registry's own script, and no inline script at all.
      expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);
      expect(await page.evaluate(() => [...document.scripts].map((s) => new URL(s.src).pathname))).toEqual(['/ui/assets/app.js']);
      // The dependency link leads to the dependency's page.
      await page.goto(await deps.nth(0).locator('a').evaluate((a) => (a as HTMLAnchorElement).href));
      expect(page.url()).toBe(`${open.url}/ui/charts/redis/1.0.0`);
    });
  });

  it('shows every section without JavaScript, and the copy buttons stay hidden', async () => {
    await withPage(
      async (page) => {
        await page.goto(`${open.url}/ui/charts/web/1.1.0`);
        for (const id of ['readme', 'install', 'values', 'templates', 'metadata', 'versions']) expect(await page.locator(`section#${id}`).isVisible()).toBe(true);
        expect(await page.locator('button.copy:visible').count()).toBe(0);
        // The tabs are plain links to the sections.
        await page.click('nav.tabs a[href="#versions"]');
        expect(page.url()).toMatch(/#versions$/);
      },
      { javaScriptEnabled: false },
    );
  });

  it('copy buttons appear with the script, and copy the command', async () => {
    await withPage(
      async (page, _problems, context) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: open.url });
        await page.goto(`${open.url}/ui/charts/web/1.1.0#install`);
        const buttons = page.locator('section#install button.copy');
        expect(await buttons.count()).toBe(4);
        await page.waitForFunction(() => [...document.querySelectorAll('button.copy')].every((b) => !(b as HTMLButtonElement).hidden));
        for (const id of ['cmd-chart', 'cmd-helm-install']) {
          const button = page.locator(`button.copy[data-copy=${id}]`);
          expect(await button.isVisible()).toBe(true);
          await button.click();
          await page.waitForFunction((b) => b?.hasAttribute('data-copied') ?? false, await button.elementHandle());
          expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.locator(`code#${id}`).textContent());
        }
      },
      { permissions: ['clipboard-read', 'clipboard-write'] },
    );
  });

  it('tabs: a tab shows its panel only, and the arrow keys move between tabs', async () => {
    await withPage(async (page) => {
      await page.goto(`${open.url}/ui/charts/web/1.1.0`);
      await page.waitForSelector('nav.tabs [role=tab]', { state: 'attached' });
      const visibleSections = () => page.locator('main > section').evaluateAll((ss) => ss.filter((s) => s.getClientRects().length > 0).map((s) => s.id));
      // One panel at a time: the first (README) without a hash.
      expect(await visibleSections()).toEqual(['readme']);
      const valuesTab = page.locator('nav.tabs a[href="#values"]');
      expect(await valuesTab.getAttribute('role')).toBe('tab');
      await valuesTab.click();
      expect(await visibleSections()).toEqual(['values']);
      expect(await valuesTab.getAttribute('aria-selected')).toBe('true');
      expect(await page.locator('nav.tabs a[href="#readme"]').getAttribute('aria-selected')).toBe('false');
      // Arrow keys: from Values to the next tab (Templates), and back.
      await valuesTab.focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#templates');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('nav.tabs a[href="#templates"]')?.getAttribute('aria-selected') === 'true');
      expect(await visibleSections()).toEqual(['templates']);
      await page.keyboard.press('ArrowLeft');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#values');
      await page.keyboard.press('Home');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#readme');
      // A link with a hash selects the tab: the page opened at #versions shows the versions.
      await page.goto(`${open.url}/ui/charts/web/1.1.0#versions`);
      await page.waitForFunction(() => document.querySelector('nav.tabs a[href="#versions"]')?.getAttribute('aria-selected') === 'true');
      expect(await visibleSections()).toEqual(['versions']);
    });
  });
});

describe('comparing versions', () => {
  const changedValues = async (page: Page) => {
    expect(await page.locator('h1').first().textContent()).toMatch(/1\.0\.0[\s\S]*1\.1\.0/);
    const del = await page.locator('section#values-diff table.diff tr.del').allTextContents();
    const ins = await page.locator('section#values-diff table.diff tr.ins').allTextContents();
    expect(del.join('\n')).toMatch(/replicas: 1/);
    expect(ins.join('\n')).toMatch(/replicas: 3/);
    expect(del.join('\n')).toMatch(/tag: "1\.2\.3"/);
    expect(ins.join('\n')).toMatch(/tag: "1\.3\.0"/);
    expect(await page.locator('section#values-diff table.diff tr.ctx').count()).toBeGreaterThan(0);
    const changes = await page.locator('section#values-changes table tbody tr').allTextContents();
    expect(changes.find((r) => r.includes('replicas'))).toMatch(/1[\s\S]*3/);
    expect(changes.find((r) => r.includes('image.tag'))).toMatch(/1\.2\.3[\s\S]*1\.3\.0/);
    const templates = await page.locator('section#templates-diff details.template-diff summary').allTextContents();
    expect(templates).toEqual([expect.stringMatching(/templates\/svc\.yaml[\s\S]*added/)]);
  };

  it('shows a changed value', async () => {
    await withPage(async (page) => {
      const r = await page.goto(`${open.url}/ui/charts/web/compare?from=1.0.0&to=1.1.0`);
      expect(r?.status()).toBe(200);
      await changedValues(page);
    });
  });

  it('is reached through the chart page’s compare form', async () => {
    await withPage(async (page) => {
      await page.goto(`${open.url}/ui/charts/web/1.1.0#versions`);
      const form = page.locator('form.compare');
      await form.waitFor({ state: 'visible' });
      expect(await form.locator('select[name=from]').inputValue()).toBe('1.0.0');
      expect(await form.locator('select[name=to]').inputValue()).toBe('1.1.0');
      await Promise.all([page.waitForURL(/\/ui\/charts\/web\/compare\?from=1\.0\.0&to=1\.1\.0$/), form.locator('button[type=submit]').click()]);
      await changedValues(page);
    });
  });
});

describe('hostile charts', () => {
  /** Records every alert/confirm/prompt and trap call before any page script runs; dialogs are recorded too. */
  async function trapped(page: Page): Promise<{ fired: () => Promise<string[]> }> {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(() => {
      const w = window as unknown as { __trap: string[]; alert: unknown; confirm: unknown; prompt: unknown };
      w.__trap = [];
      const record = (what: string) => (...args: unknown[]) => void w.__trap.push(`${what}(${args.map(String).join(',')})`);
      w.alert = record('alert');
      w.confirm = record('confirm');
      w.prompt = record('prompt');
    });
    return { fired: async () => [...dialogs, ...(await page.evaluate(() => (window as unknown as { __trap?: string[] }).__trap ?? ['trap missing']))] };
  }

  it('a hostile README, description, maintainers, icon and annotations never run script on the chart page', async () => {
    await withPage(async (page, problems) => {
      const trap = await trapped(page);
      const violations: string[] = [];
      await page.exposeFunction('__cspViolation', (v: string) => void violations.push(v));
      await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => void (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
      const r = await page.goto(`${open.url}/ui/charts/evil/0.1.0`);
      expect(r?.status()).toBe(200);
      await page.waitForLoadState('load');
      // The text is shown as text.
      expect(await page.locator('p.description').textContent()).toContain("<script>window.__trap.push('desc')</script>");
      expect(await page.locator('.readme h1').textContent()).toMatch(/^Evil/);
      // Nothing active survived the sanitizer: no inline script, no handler attribute, no svg/iframe, no javascript: URL.
      const active = await page.evaluate(() => ({
        inlineScripts: document.querySelectorAll('script:not([src])').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)),
        embeds: document.querySelectorAll('svg, iframe, object, embed, math').length,
        jsUrls: [...document.querySelectorAll('[href], [src], [action], [formaction]')].map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? el.getAttribute('formaction') ?? '').filter((u) => /^\s*javascript:/i.test(u)),
        styles: document.querySelectorAll('[style]').length,
        images: [...document.images].map((i) => i.getAttribute('src')),
      }));
      expect(active).toMatchObject({ inlineScripts: 0, handlers: [], embeds: 0, jsUrls: [], styles: 0 });
      expect(active.images.filter((s) => /^data:image\/svg/i.test(s ?? ''))).toEqual([]);
      // Clicking what were a javascript: link and an onclick element does nothing (their text is still there).
      const url = page.url();
      for (const text of ['click me', 'click me too', 'styled']) await page.locator('.readme').getByText(text, { exact: true }).click();
      expect(page.url()).toBe(url);
      expect(await trap.fired()).toEqual([]);
      expect(violations).toEqual([]);
      // The CSP itself blocks inline script, should any ever reach a page: an injected one does not run.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = "window.__trap.push('injected inline script ran')";
        document.body.append(s);
      });
      await page.waitForTimeout(100);
      expect(await trap.fired()).toEqual([]);
      expect(violations).toEqual([expect.stringMatching(/^script-src/)]);
      // The blocked script is reported on the console; that one message is expected.
      expect(problems.consoleErrors).toEqual([expect.stringMatching(/Content Security Policy/)]);
      problems.clear();
    });
  });

  it('the home page listing the hostile chart runs nothing either', async () => {
    await withPage(async (page) => {
      const trap = await trapped(page);
      await page.goto(`${open.url}/?q=evil`);
      expect(await resultNames(page)).toEqual(['evil']);
      expect(await page.locator('#results .result-description').textContent()).toContain('<script>');
      // The hostile SVG icon is not shown (only https or raster data URLs are).
      expect(await page.locator('#results img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')).filter((s) => /^data:image\/svg/i.test(s ?? '') || /^\s*javascript:/i.test(s ?? '')))).toEqual([]);
      // And typing a search that lists it (rendered by the script) runs nothing.
      await page.getByLabel('Search charts').fill('');
      await page.getByLabel('Search charts').pressSequentially('evi', { delay: 30 });
      await page.waitForURL((u) => u.searchParams.get('q') === 'evi');
      await page.waitForFunction(() => document.querySelectorAll('#results li.result').length === 1);
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => document.querySelectorAll('#results script, #results [onerror], #results svg').length)).toBe(0);
      expect(await trap.fired()).toEqual([]);
    });
  });
});

describe('signing in, out, and deleting a version', () => {
  it('sends an anonymous browser to the login form, and back to the page once signed in', async () => {
    await withPage(async (page, problems, context) => {
      await page.goto(`${strict.url}/ui/charts/web/1.0.0`);
      await page.waitForURL((u) => u.pathname === '/ui/login' && u.searchParams.get('next') === '/ui/charts/web/1.0.0');
      const form = page.locator('form#login[method=post]');
      expect(await form.isVisible()).toBe(true);
      // A wrong password: an alert, no cookie, and still the form.
      await form.getByLabel(/user/i).fill('admin');
      await form.getByLabel(/password/i).fill('wrong');
      const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/ui/login'), form.locator('[type=submit]').click()]);
      // The form's own answer (401 and the form again), not the app's cross-site refusal: the browser's POST is same-origin.
      expect({ status: answer.status(), body: answer.status() === 403 ? await answer.text() : '' }).toEqual({ status: 401, body: '' });
      const error = page.locator('p.error[role=alert]');
      await error.waitFor();
      expect(await error.textContent()).toBeTruthy();
      expect(await page.getByLabel(/password/i).inputValue()).toBe('');
      expect((await context.cookies()).filter((c) => c.name === 'chartroom_session')).toEqual([]);
      // The 401 answer of the form is logged as a failed resource load; that is the one expected message.
      expect(problems.consoleErrors.every((m) => /401/.test(m))).toBe(true);
      problems.clear();
      // The right one.
      await page.locator('form#login').getByLabel(/user/i).fill('admin');
      await page.locator('form#login').getByLabel(/password/i).fill('s3cret-admin');
      await Promise.all([page.waitForURL(`${strict.url}/ui/charts/web/1.0.0`), page.locator('form#login [type=submit]').click()]);
      expect(await page.locator('h1').first().textContent()).toBe('web 1.0.0');
      expect(await page.locator('header .who').textContent()).toMatch(/Signed in as\s*admin/);
      // The cookie: HttpOnly (the page's script cannot read it) and SameSite=Strict.
      expect(await page.evaluate(() => document.cookie)).not.toContain('chartroom_session');
      const cookie = (await context.cookies()).find((c) => c.name === 'chartroom_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      // Other pages are readable in the same session.
      await page.goto(`${strict.url}/ui/charts/web/1.1.0`);
      expect(await page.locator('h1').first().textContent()).toBe('web 1.1.0');
      // Signing out ends the session: the chart page sends the browser to the login form again.
      await Promise.all([page.waitForLoadState('load'), page.locator('header .who button[type=submit]', { hasText: 'Sign out' }).click()]);
      await page.waitForURL((u) => u.pathname === '/');
      expect(await page.locator('header .who').textContent()).not.toMatch(/Signed in as/);
      expect((await context.cookies()).filter((c) => c.name === 'chartroom_session')).toEqual([]);
      await page.goto(`${strict.url}/ui/charts/web/1.1.0`);
      await page.waitForURL((u) => u.pathname === '/ui/login');
    });
  });

  it('a signed-in writer deletes a version through the confirmation page', async () => {
    await publish(strict, chart('doomed', '1.0.0', 'description: to delete\n'));
    await publish(strict, chart('doomed', '1.1.0', 'description: to delete\n'));
    await withPage(async (page) => {
      await page.goto(`${strict.url}/ui/login?next=${encodeURIComponent('/ui/charts/doomed/1.1.0')}`);
      await page.locator('form#login').getByLabel(/user/i).fill('admin');
      await page.locator('form#login').getByLabel(/password/i).fill('s3cret-admin');
      await Promise.all([page.waitForURL(`${strict.url}/ui/charts/doomed/1.1.0`), page.locator('form#login [type=submit]').click()]);
      // The delete link, beside the versions, leads to a confirmation page; nothing is deleted yet.
      await page.goto(`${strict.url}/ui/charts/doomed/1.1.0#versions`);
      await Promise.all([page.waitForURL(`${strict.url}/ui/charts/doomed/1.1.0/delete`), page.locator('a.danger').click()]);
      const form = page.locator('form#delete[method=post]');
      expect(await form.locator('input[type=hidden][name=csrf]').count()).toBe(1);
      expect(strict.registry.readIndex('').versionsOf('doomed').map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
      // Confirmed: the version is gone, and the browser lands on the newest remaining version.
      await Promise.all([page.waitForURL(`${strict.url}/ui/charts/doomed/1.0.0`), form.getByRole('button', { name: 'Delete doomed 1.1.0' }).click()]);
      expect(strict.registry.readIndex('').versionsOf('doomed').map((v) => v.version)).toEqual(['1.0.0']);
      expect(await page.locator('section#versions table tbody tr td:first-child').allTextContents()).toEqual(['1.0.0']);
      const index = await (await fetch(`${strict.url}/index.yaml`, { headers: { Authorization: ADMIN } })).text();
      expect(index).not.toContain('doomed-1.1.0.tgz');
      // The last version: the browser goes home.
      await page.goto(`${strict.url}/ui/charts/doomed/1.0.0/delete`);
      await Promise.all([page.waitForURL(`${strict.url}/`), page.locator('form#delete').getByRole('button', { name: 'Delete doomed 1.0.0' }).click()]);
      expect(strict.registry.readIndex('').versionsOf('doomed')).toEqual([]);
    });
  });
});
