// Regenerates the web UI's screenshots in docs/images/ui-*.png (`npm run screenshots`): starts `chart serve` on a
// temporary folder with the example charts published (plus a second webapp version with a README, so there is
// something to read and to compare), opens each main page in headless Chromium (Debian's `chromium`, driven by
// playwright-core; no browser is downloaded) in the light and the dark theme, 1280×800, then stops the server
// and removes the folder. Needs dist/ built: `node build.mjs` first (`npm run screenshots` does it).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = new URL('../..', import.meta.url).pathname;
const CHART = join(ROOT, 'dist', 'chart.cjs');
const OUT = join(ROOT, 'docs', 'images');
const SIZE = { width: 1280, height: 800 };

/** The browser: CHARTROOM_TEST_CHROMIUM, else Debian's chromium (as the browser tests find it, without installing). */
function chromiumPath() {
  const named = process.env.CHARTROOM_TEST_CHROMIUM;
  if (named && existsSync(named)) return named;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error('no Chromium: apt-get install -y chromium, or set CHARTROOM_TEST_CHROMIUM to a Chromium or Chrome binary');
}

/** Starts `chart serve` on 127.0.0.1 and a free port; resolves with the process and its URL once it listens. */
function serve(storageDir) {
  return new Promise((resolve, reject) => {
    const args = [CHART, 'serve', '--host', '127.0.0.1', '--port', '0', '--storage-dir', storageDir, '--publish-examples', join(ROOT, 'charts'), '--allow-anonymous-write'];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /"url":"([^"]+)".*chartroom registry listening/.exec(buf);
      if (m) {
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        resolve({ proc, url: m[1] });
      }
    });
    proc.once('exit', (code) => reject(new Error(`chart serve exited (${code}) before listening:\n${buf}`)));
  });
}

/** webapp 0.2.0: the example with a README and changed defaults, packaged by the CLI and published. */
async function publishNextWebapp(url, work) {
  const dir = join(work, 'webapp');
  cpSync(join(ROOT, 'charts', 'webapp'), dir, { recursive: true });
  const values = readFileSync(join(dir, 'values.yaml'), 'utf8');
  writeFileSync(join(dir, 'values.yaml'), values.replace(/^replicaCount: 1$/m, 'replicaCount: 2').replace(/^ {2}tag: ""$/m, '  tag: "1.17.0"'));
  writeFileSync(
    join(dir, 'README.md'),
    `# webapp

A web application behind a Service, with optional Ingress and autoscaling: the chart \`chart create\` makes.

## Installing

\`\`\`console
chart install my-web ./webapp --set replicaCount=3
\`\`\`

## Configuration

| Key | Default | What it does |
|---|---|---|
| \`replicaCount\` | \`2\` | Pods when autoscaling is off |
| \`image.tag\` | \`1.17.0\` | The image tag |

## Upgrading

From 0.1.0: two replicas by default, and the image tag is pinned.
`,
  );
  const out = join(work, 'packages');
  mkdirSync(out, { recursive: true });
  execFileSync(process.execPath, [CHART, 'package', dir, '-d', out, '--version', '0.2.0', '--app-version', '1.17.0'], { stdio: 'ignore' });
  const body = readFileSync(join(out, 'webapp-0.2.0.tgz'));
  const r = await fetch(`${url}/api/charts`, { method: 'POST', body, headers: { 'Content-Type': 'application/gzip' } });
  if (r.status !== 201) throw new Error(`publishing webapp 0.2.0: ${r.status} ${await r.text()}`);
}

const PAGES = [
  { name: 'home', path: '/' },
  { name: 'chart', path: '/ui/charts/webapp/0.2.0' },
  // The Values tab, chosen as a reader does (the script shows one section at a time), from the top of the page.
  { name: 'values', path: '/ui/charts/webapp/0.2.0', tab: '#values' },
  { name: 'compare', path: '/ui/charts/webapp/compare?from=0.1.0&to=0.2.0' },
];

if (!existsSync(CHART)) throw new Error(`${CHART} is missing: run node build.mjs first`);
const work = mkdtempSync(join(tmpdir(), 'chartroom-screenshots-'));
let server;
let browser;
try {
  server = await serve(join(work, 'storage'));
  await publishNextWebapp(server.url, work);
  // Chromium's own HOME, so nothing is written into the user's.
  const home = join(work, 'chromium-home');
  mkdirSync(home);
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'], env: { PATH: process.env.PATH ?? '', HOME: home } });
  mkdirSync(OUT, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: SIZE, colorScheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const p of PAGES) {
      const r = await page.goto(`${server.url}${p.path}`, { waitUntil: 'load' });
      if (!r || r.status() !== 200) throw new Error(`${p.path}: ${r.status()}`);
      if (p.tab) {
        await page.click(`nav.tabs a[href="${p.tab}"]`);
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      await page.waitForTimeout(300);
      const file = join(OUT, `ui-${p.name}-${colorScheme}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(`${file.slice(ROOT.length)}: ${(statSync(file).size / 1024).toFixed(0)} KB`);
    }
    await context.close();
  }
} finally {
  await browser?.close();
  if (server) {
    server.proc.kill('SIGTERM');
    await new Promise((r) => (server.proc.exitCode !== null ? r() : server.proc.once('exit', r)));
  }
  rmSync(work, { recursive: true, force: true });
}
