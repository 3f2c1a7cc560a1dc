import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { UI_CSP } from '../../registry-server/ui/context.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

/**
 * The web UI's login sessions end to end, on a registry whose reads need credentials: the login form, the
 * session cookie, logout, deleting a version with confirmation, and a second registry on the same storage.
 */
const tmp = tempDir();
type Registry = RunningRegistry & { logs: string[] };
let reg: Registry;
/** Another registry on the same storage folder: a replica. */
let replica: Registry;

const ADMIN_PASSWORD = 's3cret-admin';
const ADMIN = basic('admin', ADMIN_PASSWORD);
const READER_PASSWORD = 'reader-pass';
const CI_TOKEN = 'ci-token-0123456789abcdef';

/** A chart archive in memory, as `chart package` writes it. */
function chart(name: string, version: string): Buffer {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: the ${name} chart\n`,
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  };
  return writeChartArchive(name, Object.entries(files).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

async function publish(r: Registry, name: string, version: string, repo = ''): Promise<void> {
  const res = await fetch(`${r.url}/api${repo ? `/${repo}` : ''}/charts`, { method: 'POST', body: new Uint8Array(chart(name, version)), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
  expect(res.status).toBe(201);
}

const get = (r: Registry, path: string, headers: Record<string, string> = {}) => fetch(`${r.url}${path}`, { redirect: 'manual', headers });
const post = (r: Registry, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${r.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields), headers });

/** Signs in through the form; returns the answer and the cookie (`name=value`) it set. */
async function login(r: Registry, username: string, password: string, next = ''): Promise<{ res: Response; setCookie: string | null; cookie: string }> {
  const res = await post(r, '/ui/login', { username, password, next });
  const setCookie = res.headers.get('set-cookie');
  return { res, setCookie, cookie: setCookie ? setCookie.split(';')[0] : '' };
}

/** The CSRF token in a page's forms. */
function csrfIn(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  expect(m).not.toBeNull();
  return m![1];
}

/** Versions of a chart in a repository's index.yaml (read with the admin's credentials). */
async function versionsInIndex(r: Registry, name: string, repo = ''): Promise<string[]> {
  const res = await fetch(`${r.url}${repo ? `/${repo}` : ''}/index.yaml`, { headers: { Authorization: ADMIN } });
  expect(res.status).toBe(200);
  const idx = parse(await res.text()) as { entries?: Record<string, { version: string }[]> };
  return (idx.entries?.[name] ?? []).map((e) => e.version);
}

let adminCookie = '';

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync(ADMIN_PASSWORD, 4)}\nreader:${bcrypt.hashSync(READER_PASSWORD, 4)}\n`);
  writeFileSync(join(tmp.dir, 'tokens.yaml'), `tokens:\n  - name: ci\n    token: ${CI_TOKEN}\nusers:\n  reader: {"*": [read]}\n`);
  const storageDir = join(tmp.dir, 'storage');
  reg = await startTestRegistry({ storageDir, htpasswd: join(tmp.dir, 'htpasswd'), tokens: join(tmp.dir, 'tokens.yaml'), requireAuthForReads: true });
  await publish(reg, 'web', '1.0.0');
  await publish(reg, 'web', '1.1.0');
  await publish(reg, 'web', '1.2.0');
  await publish(reg, 'solo', '0.1.0');
  await publish(reg, 'app', '1.0.0', 'team-a');
  await publish(reg, 'app', '2.0.0', 'team-a');
  replica = await startTestRegistry({ storageDir, htpasswd: join(tmp.dir, 'htpasswd'), tokens: join(tmp.dir, 'tokens.yaml'), requireAuthForReads: true, syncInterval: 0.2 });
  adminCookie = (await login(reg, 'admin', ADMIN_PASSWORD)).cookie;
  expect(adminCookie).toMatch(/^chartroom_session=v1\./);
}, 60_000);

afterAll(async () => {
  await reg?.close();
  await replica?.close();
  tmp.cleanup();
});

describe('the login form', () => {
  it('is a labelled form that keeps a local next page, never cached', async () => {
    const r = await get(reg, '/ui/login?next=%2Fui%2Fcharts%2Fweb%2F1.0.0');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const page = await r.text();
    expect(page).toContain('<form id="login" method="post" action="login">');
    expect(page).toMatch(/<label for="username">User name<\/label><input id="username" name="username"/);
    expect(page).toMatch(/<label for="password">Password<\/label><input id="password" name="password" type="password"/);
    expect(page).toContain('<input type="hidden" name="next" value="/ui/charts/web/1.0.0">');
    expect(page).toContain('<link rel="stylesheet" href="../ui/assets/style.css">');
    expect(page).not.toMatch(/<script(?![^>]*src="\.\.\/ui\/assets\/app\.js")/);
    // A next page elsewhere is dropped (home, after signing in).
    for (const next of ['https%3A%2F%2Fevil.example%2F', '%2F%2Fevil.example', '%2F%5Cevil.example', 'javascript%3Aalert(1)']) {
      expect(await (await get(reg, `/ui/login?next=${next}`)).text()).toContain('<input type="hidden" name="next" value="">');
    }
  });

  it('is where an anonymous browser is sent, and the page is readable with the cookie only', async () => {
    const anon = await get(reg, '/ui/charts/web/1.0.0');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('../../../ui/login?next=%2Fui%2Fcharts%2Fweb%2F1.0.0');
    const withCookie = await get(reg, '/ui/charts/web/1.0.0', { Cookie: adminCookie });
    expect(withCookie.status).toBe(200);
    const page = await withCookie.text();
    expect(page).toContain('Signed in as <strong>admin</strong>');
    expect(page).toContain('<form class="inline" method="post" action="../../../ui/logout"><input type="hidden" name="csrf" value="');
    expect(page).toContain('<a class="danger" href="./1.0.0/delete">');
    // A forged cookie is no session.
    const forged = adminCookie.slice(0, -4) + (adminCookie.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await get(reg, '/ui/charts/web/1.0.0', { Cookie: forged })).status).toBe(303);
  });

  it('signs in: an HttpOnly, SameSite=Strict cookie, then 303 to the next page, relative', async () => {
    const { res, setCookie } = await login(reg, 'admin', ADMIN_PASSWORD, '/ui/charts/web/1.1.0');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('../ui/charts/web/1.1.0');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(setCookie).toMatch(/^chartroom_session=v1\.[A-Za-z0-9_.-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    // Over plain http, no Secure (the registry's URL is http).
    expect(setCookie).not.toContain('Secure');
    // Anything but a local path sends the browser home.
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example', '/..//evil.example']) {
      const other = await login(reg, 'admin', ADMIN_PASSWORD, next);
      expect(other.res.status).toBe(303);
      expect(other.res.headers.get('location')).toBe('../');
    }
    expect((await login(reg, 'admin', ADMIN_PASSWORD)).res.headers.get('location')).toBe('../');
  });

  it('refuses a wrong password with 401 and the form again, without a Basic challenge, keeping the name but never the password', async () => {
    const { res, setCookie } = await login(reg, 'admin', 'not-the-password-xyz', '/ui/charts/web/1.0.0');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(setCookie).toBeNull();
    const page = await res.text();
    expect(page).toContain('<p class="error" role="alert">Wrong user name or password.</p>');
    expect(page).toContain('value="admin"');
    expect(page).not.toContain('not-the-password-xyz');
    expect(page).toContain('<input type="hidden" name="next" value="/ui/charts/web/1.0.0">');
    // An unknown user: the same answer.
    const unknown = await login(reg, 'nobody', 'whatever-password');
    expect(unknown.res.status).toBe(401);
    expect(await unknown.res.text()).toContain('Wrong user name or password.');
    // Missing fields.
    const empty = await post(reg, '/ui/login', { username: 'admin' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('role="alert"');
  });

  it('escapes a hostile user name written back', async () => {
    const { res } = await login(reg, '"><script>alert(1)</script>', 'x');
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('does not let a token of the tokens file sign in', async () => {
    const { res, setCookie } = await login(reg, 'ci', CI_TOKEN);
    expect(res.status).toBe(401);
    expect(setCookie).toBeNull();
    // The token itself works for the API, as a bearer token.
    expect((await fetch(`${reg.url}/index.yaml`, { headers: { Authorization: `Bearer ${CI_TOKEN}` } })).status).toBe(200);
  });

  it('refuses a form body larger than a few KB', async () => {
    const r = await post(reg, '/ui/login', { username: 'admin', password: 'x'.repeat(8000) });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses a login posted from another site', async () => {
    const r = await post(reg, '/ui/login', { username: 'admin', password: ADMIN_PASSWORD }, { Origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });
});

describe('logout', () => {
  it('needs the session’s CSRF token; then clears the cookie and goes home', async () => {
    const { cookie } = await login(reg, 'admin', ADMIN_PASSWORD);
    const page = await (await get(reg, '/ui/charts/web/1.0.0', { Cookie: cookie })).text();
    const csrf = csrfIn(page);
    for (const fields of [{} as Record<string, string>, { csrf: 'wrong' }, { csrf: csrf.slice(1) }]) {
      const refused = await post(reg, '/ui/logout', fields, { Cookie: cookie });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    // Another session's token does not do either.
    const otherPage = await (await get(reg, '/ui/charts/web/1.0.0', { Cookie: adminCookie })).text();
    expect((await post(reg, '/ui/logout', { csrf: csrfIn(otherPage) }, { Cookie: cookie })).status).toBe(403);

    const out = await post(reg, '/ui/logout', { csrf }, { Cookie: cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('../');
    expect(out.headers.get('set-cookie')).toBe('chartroom_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    // A browser without a session signing out: the cookie is cleared all the same.
    expect((await post(reg, '/ui/logout', {})).status).toBe(303);
  });
});

describe('deleting a version', () => {
  it('shows a confirmation page to a signed-in writer', async () => {
    const r = await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: adminCookie });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
    const page = await r.text();
    expect(page).toContain('<form id="delete" method="post" action="delete"><input type="hidden" name="csrf" value="');
    expect(page).toContain('>Delete web 1.0.0</button>');
    expect(page).toContain('<a href="../1.0.0">Cancel</a>');
    expect(page).toMatch(/<code>sha256:[0-9a-f]{64}<\/code>/);
    expect(page).toMatch(/<time datetime="\d{4}-/);
    expect(page).toContain('<link rel="stylesheet" href="../../../../ui/assets/style.css">');
  });

  it('sends an anonymous browser to the login form, and refuses Basic credentials alone, a reader, and unknown versions', async () => {
    const anon = await get(reg, '/ui/charts/web/1.0.0/delete');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('../../../../ui/login?next=%2Fui%2Fcharts%2Fweb%2F1.0.0%2Fdelete');
    expect((await post(reg, '/ui/charts/web/1.0.0/delete', {})).status).toBe(303);

    // Basic credentials of a writer, but no session: forms are for sessions.
    expect((await get(reg, '/ui/charts/web/1.0.0/delete', { Authorization: ADMIN })).status).toBe(403);
    const csrf = csrfIn(await (await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: adminCookie })).text());
    expect((await post(reg, '/ui/charts/web/1.0.0/delete', { csrf }, { Authorization: ADMIN })).status).toBe(403);

    // A reader's session: the page offers no delete link, and the delete pages are 403.
    const reader = (await login(reg, 'reader', READER_PASSWORD)).cookie;
    expect(reader).not.toBe('');
    const readerPage = await (await get(reg, '/ui/charts/web/1.0.0', { Cookie: reader })).text();
    expect(readerPage).toContain('Signed in as <strong>reader</strong>');
    expect(readerPage).not.toContain('class="danger"');
    const g = await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: reader });
    expect(g.status).toBe(403);
    expect(await g.text()).toContain('reader may not delete');
    expect((await post(reg, '/ui/charts/web/1.0.0/delete', { csrf: csrfIn(readerPage) }, { Cookie: reader })).status).toBe(403);

    expect((await get(reg, '/ui/charts/web/9.9.9/delete', { Cookie: adminCookie })).status).toBe(404);
    expect((await get(reg, '/ui/charts/nope/1.0.0/delete', { Cookie: adminCookie })).status).toBe(404);
    expect(await versionsInIndex(reg, 'web')).toContain('1.0.0');
  });

  it('refuses a post without the right CSRF token, or from another site', async () => {
    const csrf = csrfIn(await (await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: adminCookie })).text());
    for (const fields of [{} as Record<string, string>, { csrf: '' }, { csrf: 'x'.repeat(csrf.length) }]) {
      const r = await post(reg, '/ui/charts/web/1.0.0/delete', fields, { Cookie: adminCookie });
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('out of date');
    }
    const foreign = await post(reg, '/ui/charts/web/1.0.0/delete', { csrf }, { Cookie: adminCookie, Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await versionsInIndex(reg, 'web')).toContain('1.0.0');
  });

  it('deletes with the session and its token: the version leaves index.yaml, then the chart page', async () => {
    const csrf = csrfIn(await (await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: adminCookie })).text());
    const r = await post(reg, '/ui/charts/web/1.0.0/delete', { csrf }, { Cookie: adminCookie });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('../../web');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await versionsInIndex(reg, 'web')).toEqual(['1.2.0', '1.1.0']);
    // The chart page goes on to the newest remaining version; the deleted one is gone.
    const chartPage = await get(reg, '/ui/charts/web', { Cookie: adminCookie });
    expect(chartPage.status).toBe(302);
    expect(chartPage.headers.get('location')).toBe('web/1.2.0');
    expect((await get(reg, '/ui/charts/web/1.0.0', { Cookie: adminCookie })).status).toBe(404);
    expect((await get(reg, '/ui/charts/web/1.0.0/delete', { Cookie: adminCookie })).status).toBe(404);
  });

  it('goes home when the last version is deleted, and works in a named repository', async () => {
    const csrf = csrfIn(await (await get(reg, '/ui/charts/solo/0.1.0/delete', { Cookie: adminCookie })).text());
    const last = await post(reg, '/ui/charts/solo/0.1.0/delete', { csrf }, { Cookie: adminCookie });
    expect(last.status).toBe(303);
    expect(last.headers.get('location')).toBe('../../../../');
    expect(await versionsInIndex(reg, 'solo')).toEqual([]);

    const page = await get(reg, '/ui/r/team-a/charts/app/1.0.0/delete', { Cookie: adminCookie });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('<dt>Repository</dt><dd>team-a</dd>');
    const tenant = await post(reg, '/ui/r/team-a/charts/app/1.0.0/delete', { csrf: csrfIn(text) }, { Cookie: adminCookie });
    expect(tenant.status).toBe(303);
    expect(tenant.headers.get('location')).toBe('../../app');
    expect(await versionsInIndex(reg, 'app', 'team-a')).toEqual(['2.0.0']);
  });
});

describe('replicas and the password', () => {
  it('a second registry on the same storage accepts the first one’s cookies, and its own cookies work on the first', async () => {
    const onReplica = await get(replica, '/ui/charts/web/1.2.0', { Cookie: adminCookie });
    expect(onReplica.status).toBe(200);
    expect(await onReplica.text()).toContain('Signed in as <strong>admin</strong>');
    const theirs = (await login(replica, 'admin', ADMIN_PASSWORD)).cookie;
    expect(theirs).toMatch(/^chartroom_session=/);
    expect((await get(reg, '/ui/charts/web/1.2.0', { Cookie: theirs })).status).toBe(200);
  });

  it('a changed password ends the sessions made with the old one', async () => {
    const htpasswd = join(tmp.dir, 'htpasswd-changed');
    writeFileSync(htpasswd, `admin:${bcrypt.hashSync('a-new-password', 4)}\n`);
    const changed = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), htpasswd, requireAuthForReads: true });
    try {
      const r = await get(changed, '/ui/charts/web/1.2.0', { Cookie: adminCookie });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toMatch(/ui\/login\?next=/);
      const fresh = (await login(changed, 'admin', 'a-new-password')).cookie;
      expect((await get(changed, '/ui/charts/web/1.2.0', { Cookie: fresh })).status).toBe(200);
      // …and the old configuration does not take the new password's session.
      expect((await get(reg, '/ui/charts/web/1.2.0', { Cookie: fresh })).status).toBe(303);
    } finally {
      await changed.close();
    }
  });

  it('never logs a password or a cookie', () => {
    const all = [...reg.logs, ...replica.logs].join('\n');
    expect(all).toContain('/ui/login');
    expect(all).not.toContain(ADMIN_PASSWORD);
    expect(all).not.toContain(READER_PASSWORD);
    expect(all).not.toContain(adminCookie.split('=')[1]);
    expect(all).not.toContain('chartroom_session');
  });
});

describe('the login limiter, https and the session options', () => {
  let limited: Registry;
  beforeAll(async () => {
    writeFileSync(join(tmp.dir, 'session.key'), Buffer.alloc(32, 3));
    limited = await startTestRegistry({
      storageDir: join(tmp.dir, 'limited'),
      htpasswd: join(tmp.dir, 'htpasswd'),
      requireAuthForReads: true,
      authFailuresPerMinute: 2,
      chartUrl: 'https://charts.example.com',
      sessionTtl: '600',
      sessionKeyFile: join(tmp.dir, 'session.key'),
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('marks the cookie Secure when the registry’s URL is https', async () => {
    const { res, setCookie } = await login(limited, 'admin', ADMIN_PASSWORD);
    expect(res.status).toBe(303);
    expect(setCookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('takes the session lifetime and key file it is given: its cookies are not another key’s', async () => {
    const { setCookie, cookie } = await login(limited, 'admin', ADMIN_PASSWORD);
    expect(setCookie).toContain('; Max-Age=600; ');
    expect((await get(limited, '/ui/login', { Cookie: cookie })).status).toBe(200);
    expect(await (await get(limited, '/ui/login', { Cookie: cookie })).text()).toContain('Signed in as <strong>admin</strong>');
    // The same users, another key: the first registry does not take it.
    expect((await get(reg, '/ui/charts/web/1.2.0', { Cookie: cookie })).status).toBe(303);
  });

  it('answers 429 with Retry-After past the failed logins allowed', async () => {
    expect((await login(limited, 'admin', 'wrong-1')).res.status).toBe(401);
    expect((await login(limited, 'admin', 'wrong-2')).res.status).toBe(401);
    const { res, setCookie } = await login(limited, 'admin', 'wrong-3');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(setCookie).toBeNull();
    expect(await res.text()).toMatch(/<p class="error" role="alert">Too many failed sign-ins/);
  });
});
