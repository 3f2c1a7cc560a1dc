import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CHART_BIN, chartCli } from '../support/cli.js';
import { deleteNamespace, freshNamespace, helmK, kubeconfigPath, kubectl, setStatus } from '../support/kube.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const tmp = tempDir();
const namespaces: string[] = [];
const env = () => ({ CHARTROOM_CONFIG_DIR: join(tmp.dir, 'config'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'cache'), KUBECONFIG: kubeconfigPath() });
const chart = (args: string[]) => chartCli(args, { env: env(), cwd: tmp.dir });
const ns = async (prefix: string) => {
  const n = await freshNamespace(prefix);
  namespaces.push(n);
  return n;
};
const json = <T>(text: string): T => JSON.parse(text) as T;
const getJson = async <T>(args: string[]): Promise<T> => json<T>((await kubectl([...args, '-o', 'json'])).stdout);

/** A plain chart both engines agree on (no template directives), as a Go-template chart helm can install. */
function goChart(name: string, version: string, data: string): string {
  const dir = join(tmp.dir, 'charts', `${name}-${version}`, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\n`);
  writeFileSync(join(dir, 'templates', 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-cm\ndata:\n  value: "${data}"\n`);
  return dir;
}

/** A Handlebars chart with a Deployment whose replicas come from values, and optional extra templates. */
function hbChart(name: string, version: string, extra: Record<string, string> = {}): string {
  const dir = join(tmp.dir, 'charts', `${name}-${version}`, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "2.0"\nengine: handlebars\n`);
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\n');
  writeFileSync(
    join(dir, 'templates', 'deploy.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{Release.Name}}\nspec:\n  replicas: {{Values.replicas}}\n  selector:\n    matchLabels:\n      app: {{Release.Name}}\n  template:\n    metadata:\n      labels:\n        app: {{Release.Name}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n',
  );
  for (const [f, text] of Object.entries(extra)) writeFileSync(join(dir, 'templates', f), text);
  return dir;
}

beforeAll(() => {
  mkdirSync(join(tmp.dir, 'charts'), { recursive: true });
});
afterAll(async () => {
  for (const n of namespaces) await deleteNamespace(n).catch(() => undefined);
  tmp.cleanup();
});

describe('install, upgrade, rollback, uninstall with Helm’s release records', () => {
  it('installs the example webapp as a Deployment and a Service that helm sees as its own release', async () => {
    const n = await ns('web');
    const r = await chart(['install', 'web', 'charts/webapp', '-n', n].map((a) => (a === 'charts/webapp' ? join(process.cwd(), a) : a)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/STATUS: deployed/);
    const deploy = await getJson<{ metadata: { labels: Record<string, string>; annotations: Record<string, string>; managedFields: { manager: string; operation: string }[] } }>(['get', 'deployment', 'web-webapp', '-n', n, '--show-managed-fields']);
    expect(deploy.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(deploy.metadata.annotations['meta.helm.sh/release-name']).toBe('web');
    expect(deploy.metadata.annotations['meta.helm.sh/release-namespace']).toBe(n);
    expect(deploy.metadata.managedFields.some((m) => m.manager === 'chartroom' && m.operation === 'Apply')).toBe(true);
    expect((await kubectl(['get', 'service', 'web-webapp', '-n', n])).stdout).toContain('web-webapp');

    // The record, as Helm's Secrets driver writes it.
    const secret = await getJson<{ type: string; metadata: { labels: Record<string, string> }; data: { release: string } }>(['get', 'secret', 'sh.helm.release.v1.web.v1', '-n', n]);
    expect(secret.type).toBe('helm.sh/release.v1');
    expect(secret.metadata.labels).toMatchObject({ name: 'web', owner: 'helm', status: 'deployed', version: '1' });
    const record = JSON.parse(gunzipSync(Buffer.from(Buffer.from(secret.data.release, 'base64').toString('utf8'), 'base64')).toString('utf8'));
    expect(record).toMatchObject({ name: 'web', namespace: n, version: 1, apply_method: 'ssa', info: { status: 'deployed' } });

    // The real helm reads it.
    const list = json<{ name: string; status: string; chart: string; revision: string }[]>((await helmK(['list', '-n', n, '-o', 'json'])).stdout);
    expect(list).toEqual([expect.objectContaining({ name: 'web', status: 'deployed', chart: 'webapp-0.1.0', revision: '1' })]);
    expect((await helmK(['status', 'web', '-n', n])).stdout).toMatch(/STATUS: deployed/);
    expect((await helmK(['get', 'manifest', 'web', '-n', n])).stdout).toContain('kind: Deployment');
  });

  it('upgrades, rolls back and uninstalls, and helm’s history agrees at each step', async () => {
    const n = await ns('cycle');
    const v1 = hbChart('cycle', '1.0.0', { 'extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: "1"\n', 'kept.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\n' });
    const v2 = hbChart('cycle', '2.0.0');
    expect((await chart(['install', 'cy', v1, '-n', n])).code).toBe(0);
    const up = await chart(['upgrade', 'cy', v2, '-n', n, '--set', 'replicas=3']);
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(/REVISION: 2/);
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'cy', '-n', n])).spec.replicas).toBe(3);
    // What v2 no longer renders is gone, except what asks to be kept.
    await expect(kubectl(['get', 'configmap', 'extra', '-n', n])).rejects.toThrow(/NotFound/);
    expect((await kubectl(['get', 'configmap', 'kept', '-n', n])).stdout).toContain('kept');

    const rb = await chart(['rollback', 'cy', '1', '-n', n]);
    expect(rb.code).toBe(0);
    const hist = json<{ revision: number; status: string; description: string }[]>((await helmK(['history', 'cy', '-n', n, '-o', 'json'])).stdout);
    expect(hist.map((h) => [h.revision, h.status, h.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    expect((await kubectl(['get', 'configmap', 'extra', '-n', n])).stdout).toContain('extra');
    expect(json<{ revision: number }[]>((await chart(['history', 'cy', '-n', n, '-o', 'json'])).stdout).map((h) => h.revision)).toEqual([1, 2, 3]);

    const un = await chart(['uninstall', 'cy', '-n', n]);
    expect(un.stdout).toMatch(/kept ConfigMap\/kept/);
    await expect(kubectl(['get', 'deployment', 'cy', '-n', n])).rejects.toThrow(/NotFound/);
    expect((await kubectl(['get', 'configmap', 'kept', '-n', n])).stdout).toContain('kept');
    expect(json<unknown[]>((await helmK(['list', '-n', n, '-o', 'json'])).stdout)).toEqual([]);
  });

  it('manages releases helm made: list, history, status, get, rollback, upgrade and uninstall', async () => {
    const n = await ns('helmmade');
    await helmK(['install', 'hm', goChart('gochart', '1.0.0', 'one'), '-n', n]);
    await helmK(['upgrade', 'hm', goChart('gochart', '1.1.0', 'two'), '-n', n]);
    const list = json<{ name: string; revision: string; chart: string; status: string }[]>((await chart(['list', '-n', n, '-o', 'json'])).stdout);
    expect(list).toEqual([expect.objectContaining({ name: 'hm', revision: '2', chart: 'gochart-1.1.0', status: 'deployed' })]);
    expect((await chart(['get', 'manifest', 'hm', '-n', n])).stdout).toContain('value: "two"');
    expect((await chart(['status', 'hm', '-n', n])).stdout).toMatch(/DRIFT: none/);
    // Rolling back re-applies revision 1's manifest; chart takes over the fields helm held (same release).
    const rb = await chart(['rollback', 'hm', '-n', n]);
    expect(rb.stderr).toBe('');
    expect((await getJson<{ data: { value: string } }>(['get', 'configmap', 'gochart-cm', '-n', n])).data.value).toBe('one');
    expect(json<{ revision: number; status: string }[]>((await helmK(['history', 'hm', '-n', n, '-o', 'json'])).stdout).pop()).toMatchObject({ revision: 3, status: 'deployed' });
    // And chart upgrades it with a Go-template chart, rendered as helm renders it.
    const up = await chart(['upgrade', 'hm', goChart('gochart', '1.2.0', 'three'), '-n', n]);
    expect(up.stderr).toBe('');
    expect((await getJson<{ data: { value: string } }>(['get', 'configmap', 'gochart-cm', '-n', n])).data.value).toBe('three');
    expect(json<{ revision: number; chart: string }[]>((await helmK(['history', 'hm', '-n', n, '-o', 'json'])).stdout).pop()).toMatchObject({ revision: 4, chart: 'gochart-1.2.0' });
    expect((await chart(['uninstall', 'hm', '-n', n])).code).toBe(0);
    expect(json<unknown[]>((await helmK(['list', '-n', n, '-o', 'json'])).stdout)).toEqual([]);
  });
});

describe('ownership, locks and recovery', () => {
  it('refuses objects owned by nothing or by another release unless --take-ownership', async () => {
    const n = await ns('own');
    await kubectl(['create', 'deployment', 'taken', '--image=nginx', '-n', n]);
    const c = hbChart('taken', '1.0.0');
    const r = await chart(['install', 'taken', c, '-n', n]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Deployment\/taken in .* \(not owned by any release\)/);
    expect(r.stderr).toMatch(/--take-ownership/);
    expect(json<unknown[]>((await chart(['list', '-n', n, '-a', '-o', 'json'])).stdout)).toEqual([]);
    const ok = await chart(['install', 'taken', c, '-n', n, '--take-ownership']);
    expect(ok.code).toBe(0);
  });

  it('lets one upgrade hold a release: another fails at once naming the holder, or waits with --wait-for-lock', async () => {
    const n = await ns('race');
    const c = hbChart('race', '1.0.0');
    expect((await chart(['install', 'race', c, '-n', n])).code).toBe(0);
    // A holds the release while it waits for readiness (the test plays the controller to let it finish).
    const a = chart(['upgrade', 'race', c, '-n', n, '--set', 'replicas=2', '--wait', '--timeout', '30s']);
    await waitFor(async () => json<{ status: string }[]>((await chart(['history', 'race', '-n', n, '-o', 'json'])).stdout).pop()?.status === 'pending-upgrade', { timeoutMs: 15_000, intervalMs: 100, what: 'the first upgrade to hold the release' });
    const b = await chart(['upgrade', 'race', c, '-n', n, '--set', 'replicas=3']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/release race is busy: revision 2 is pending-upgrade, held by \S+\.\d+ since \S+/);
    const waiting = chart(['upgrade', 'race', c, '-n', n, '--set', 'replicas=4', '--wait-for-lock', '--timeout', '30s']);
    const gen = (await getJson<{ metadata: { generation: number } }>(['get', 'deployment', 'race', '-n', n])).metadata.generation;
    await setStatus({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'race', namespace: n }, { observedGeneration: gen, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 });
    expect((await a).code).toBe(0);
    const w = await waiting;
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const hist = json<{ revision: number; status: string }[]>((await chart(['history', 'race', '-n', n, '-o', 'json'])).stdout);
    expect(hist.map((h) => [h.revision, h.status])).toEqual([[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'race', '-n', n])).spec.replicas).toBe(4);
  }, 60_000);

  it('recovers a release left pending by a killed upgrade, saying so', async () => {
    const n = await ns('killed');
    const c = hbChart('killed', '1.0.0');
    expect((await chart(['install', 'killed', c, '-n', n])).code).toBe(0);
    // --wait never ends here (no controllers): kill the upgrade while it waits.
    const child = spawn(process.execPath, [CHART_BIN, 'upgrade', 'killed', c, '-n', n, '--set', 'replicas=2', '--wait', '--timeout', '60s'], { env: { ...process.env, ...env() }, stdio: 'ignore' });
    await waitFor(async () => json<{ status: string }[]>((await chart(['history', 'killed', '-n', n, '-o', 'json'])).stdout).pop()?.status === 'pending-upgrade', { timeoutMs: 15_000, intervalMs: 200, what: 'the upgrade to start' });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await helmK(['status', 'killed', '-n', n])).stdout).toMatch(/STATUS: pending-upgrade/);
    const next = await chart(['upgrade', 'killed', c, '-n', n, '--set', 'replicas=4']);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/revision 2 was left pending-upgrade \(its process .* is gone\); marking it failed and going on/);
    const hist = json<{ revision: number; status: string }[]>((await helmK(['history', 'killed', '-n', n, '-o', 'json'])).stdout);
    expect(hist.map((h) => h.status)).toEqual(['superseded', 'failed', 'deployed']);
  }, 40_000);
});

describe('wait, diff and drift', () => {
  it('waits for readiness, and on a timeout names what is not ready and why', async () => {
    const n = await ns('wait');
    const c = hbChart('waiter', '1.0.0');
    const slow = await chart(['install', 'slow', c, '-n', n, '--wait', '--timeout', '2s']);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toMatch(/timed out after 2s waiting for 1 object\(s\) to be ready:\n\s+Deployment\/slow in .*: /);
    expect(json<{ status: string }[]>((await chart(['history', 'slow', '-n', n, '-o', 'json'])).stdout).pop()?.status).toBe('failed');

    // Playing the controller: the Deployment becomes available while install waits.
    const install = chart(['install', 'ready', c, '-n', n, '--wait', '--timeout', '20s']);
    await waitFor(async () => (await kubectl(['get', 'deployment', 'ready', '-n', n]).catch(() => ({ stdout: '' }))).stdout.includes('ready'), { timeoutMs: 10_000, intervalMs: 100, what: 'the Deployment to exist' });
    const gen = (await getJson<{ metadata: { generation: number } }>(['get', 'deployment', 'ready', '-n', n])).metadata.generation;
    await setStatus({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ready', namespace: n }, { observedGeneration: gen, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 });
    const r = await install;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 40_000);

  it('shows drift made with kubectl in diff and status, and an upgrade takes the fields back', async () => {
    const n = await ns('drift');
    const c = hbChart('drift', '1.0.0');
    expect((await chart(['install', 'drift', c, '-n', n, '--set', 'replicas=2'])).code).toBe(0);
    const clean = await chart(['diff', 'drift', c, '-n', n, '--detailed-exitcode']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('no changes\n');
    await kubectl(['scale', 'deployment', 'drift', '--replicas=5', '-n', n]);
    const d = await chart(['diff', 'drift', c, '-n', n, '--detailed-exitcode']);
    expect(d.code).toBe(2);
    expect(d.stdout).toMatch(/Deployment\/drift \(.*\): changed/);
    expect(d.stdout).toMatch(/-\s+replicas: 5\n\+\s+replicas: 2/);
    expect((await chart(['status', 'drift', '-n', n])).stdout).toMatch(/DRIFT: the cluster differs/);
    const j = json<{ changed: boolean; objects: { kind: string; change: string }[] }>((await chart(['diff', 'drift', c, '-n', n, '-o', 'json'])).stdout);
    expect(j.changed).toBe(true);
    expect((await chart(['upgrade', 'drift', c, '-n', n, '--force-conflicts'])).code).toBe(0);
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'drift', '-n', n])).spec.replicas).toBe(2);
    expect((await chart(['status', 'drift', '-n', n])).stdout).toMatch(/DRIFT: none/);
  }, 40_000);

  it('refuses a record over the Secret size limit before anything is applied', async () => {
    const n = await ns('big');
    const c = hbChart('big', '1.0.0');
    mkdirSync(join(c, 'files'), { recursive: true });
    writeFileSync(join(c, 'files', 'blob.txt'), randomBytes(1_400_000).toString('base64'));
    const r = await chart(['install', 'big', c, '-n', n]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/over the \d+ bytes a Kubernetes Secret holds; nothing was applied/);
    expect(r.stderr).toMatch(/files\/blob.txt/);
    await expect(kubectl(['get', 'deployment', 'big', '-n', n])).rejects.toThrow(/NotFound/);
  });
});

describe('hooks, CRDs, tests, dry runs and signals', () => {
  const job = (name: string, annotations: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations:\n${annotations}spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: run\n          image: busybox\n`;
  /** Plays the Job controller: marks the Job succeeded once it exists. */
  const completeJob = async (name: string, n: string) => {
    await waitFor(async () => (await kubectl(['get', 'job', name, '-n', n]).catch(() => ({ stdout: '' }))).stdout.includes(name), { timeoutMs: 15_000, intervalMs: 100, what: `job ${name} to exist` });
    await setStatus({ apiVersion: 'batch/v1', kind: 'Job', name, namespace: n }, { succeeded: 1 });
  };

  it('runs a pre-install hook Job to completion before the objects, deletes it as its policy says, and runs chart test', async () => {
    const n = await ns('hooks');
    const c = hbChart('hooked', '1.0.0', {
      'migrate.yaml': job('migrate', '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-1"\n    helm.sh/hook-delete-policy: hook-succeeded\n'),
      'test.yaml': job('smoke', '    helm.sh/hook: test\n'),
    });
    const install = chart(['install', 'hooked', c, '-n', n, '--timeout', '20s']);
    await completeJob('migrate', n);
    const r = await install;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(kubectl(['get', 'job', 'migrate', '-n', n])).rejects.toThrow(/NotFound/);
    const hooks = (await helmK(['get', 'hooks', 'hooked', '-n', n])).stdout;
    expect(hooks).toContain('name: migrate');
    const test = chart(['test', 'hooked', '-n', n, '--timeout', '20s']);
    await completeJob('smoke', n);
    const t = await test;
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/TEST SUITE: smoke\n[\s\S]*Phase: Succeeded/);
  }, 40_000);

  it('fails an install whose hook fails, and marks the revision failed', async () => {
    const n = await ns('hookfail');
    const c = hbChart('hookfail', '1.0.0', { 'pre.yaml': job('pre', '    helm.sh/hook: pre-install\n') });
    const install = chart(['install', 'hookfail', c, '-n', n, '--timeout', '20s']);
    await waitFor(async () => (await kubectl(['get', 'job', 'pre', '-n', n]).catch(() => ({ stdout: '' }))).stdout.includes('pre'), { timeoutMs: 15_000, intervalMs: 100, what: 'the hook job' });
    await setStatus({ apiVersion: 'batch/v1', kind: 'Job', name: 'pre', namespace: n }, { failed: 1, conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] });
    const r = await install;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pre-install hook Job\/pre in .* failed: BackoffLimitExceeded/);
    expect(json<{ status: string }[]>((await helmK(['history', 'hookfail', '-n', n, '-o', 'json'])).stdout).pop()?.status).toBe('failed');
    await expect(kubectl(['get', 'deployment', 'hookfail', '-n', n])).rejects.toThrow(/NotFound/);
  }, 40_000);

  it('creates CRDs from crds/ first and never upgrades them', async () => {
    const n = await ns('crds');
    const crd = (desc: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.release.chartroom.test\nspec:\n  group: release.chartroom.test\n  names:\n    kind: Gadget\n    plural: gadgets\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          description: ${desc}\n          x-kubernetes-preserve-unknown-fields: true\n`;
    const c = hbChart('widgets', '1.0.0');
    mkdirSync(join(c, 'crds'), { recursive: true });
    writeFileSync(join(c, 'crds', 'widget.yaml'), crd('first'));
    const r = await chart(['install', 'widgets', c, '-n', n]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created\s+CustomResourceDefinition\/gadgets.release.chartroom.test/);
    writeFileSync(join(c, 'crds', 'widget.yaml'), crd('second'));
    const again = await chart(['install', 'widgets2', c, '-n', n]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/CRD gadgets.release.chartroom.test exists and differs from the chart's .*; CRDs are never upgraded/);
    expect((await kubectl(['get', 'crd', 'gadgets.release.chartroom.test', '-o', 'jsonpath={.spec.versions[0].schema.openAPIV3Schema.description}'])).stdout).toBe('first');
  });

  it('dry runs store nothing: client prints the manifest, server asks the API server', async () => {
    const n = await ns('dry');
    const c = hbChart('dry', '1.0.0');
    const client = await chart(['install', 'dry', c, '-n', n, '--dry-run']);
    expect(client.code).toBe(0);
    expect(client.stdout).toMatch(/MANIFEST:\n---\n# Source: dry\/templates\/deploy.yaml/);
    const server = await chart(['install', 'dry', c, '-n', n, '--dry-run=server', '-o', 'json']);
    expect(server.code).toBe(0);
    expect(json<{ changes: { action: string; kind: string }[] }>(server.stdout).changes).toEqual([expect.objectContaining({ action: 'created', kind: 'Deployment' })]);
    await expect(kubectl(['get', 'deployment', 'dry', '-n', n])).rejects.toThrow(/NotFound/);
    expect(json<unknown[]>((await helmK(['list', '-n', n, '-o', 'json'])).stdout)).toEqual([]);
  });

  it('marks the revision failed when SIGTERM stops an upgrade', async () => {
    const n = await ns('sigterm');
    const c = hbChart('sig', '1.0.0');
    expect((await chart(['install', 'sig', c, '-n', n])).code).toBe(0);
    const child = spawn(process.execPath, [CHART_BIN, 'upgrade', 'sig', c, '-n', n, '--set', 'replicas=2', '--wait', '--timeout', '60s'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await waitFor(async () => json<{ status: string }[]>((await chart(['history', 'sig', '-n', n, '-o', 'json'])).stdout).pop()?.status === 'pending-upgrade', { timeoutMs: 15_000, intervalMs: 200, what: 'the upgrade to start' });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping; the revision is marked failed/);
    expect(json<{ status: string }[]>((await helmK(['history', 'sig', '-n', n, '-o', 'json'])).stdout).pop()?.status).toBe('failed');
  }, 40_000);

  it('says in one line which context, server and resource refused an unprivileged user', async () => {
    const n = await ns('rbac');
    const r = await chart(['--kube-context', 'viewer', 'list', '-n', n]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/forbidden|FORBIDDEN|may not/i);
    expect(r.stderr).toMatch(/context "viewer"/);
  });
});

describe('values, names and options as helm has them', () => {
  it('upgrade --install installs; an upgrade without new values keeps the previous ones; --reset-values drops them', async () => {
    const n = await ns('vals');
    const c = hbChart('vals', '1.0.0');
    expect((await chart(['upgrade', 'vals', c, '-n', n, '--install', '--set', 'replicas=4'])).code).toBe(0);
    expect((await chart(['upgrade', 'vals', c, '-n', n])).code).toBe(0);
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'vals', '-n', n])).spec.replicas).toBe(4);
    expect((await helmK(['get', 'values', 'vals', '-n', n, '-o', 'json'])).stdout.trim()).toBe('{"replicas":4}');
    expect((await chart(['upgrade', 'vals', c, '-n', n, '--reset-values'])).code).toBe(0);
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'vals', '-n', n])).spec.replicas).toBe(1);
    expect((await chart(['get', 'values', 'vals', '-n', n, '--all', '-o', 'json'])).stdout.trim()).toBe('{"replicas":1}');
  });

  it('--generate-name, --labels, -A and --history-max', async () => {
    const a = await ns('gen');
    const c = hbChart('gen', '1.0.0');
    const r = await chart(['install', c, '--generate-name', '-n', a, '-l', 'team=core', '-o', 'json']);
    expect(r.code).toBe(0);
    const name = json<{ name: string }>(r.stdout).name;
    expect(name).toMatch(/^gen-[a-z0-9]+$/);
    const secret = await getJson<{ metadata: { labels: Record<string, string> } }>(['get', 'secret', `sh.helm.release.v1.${name}.v1`, '-n', a]);
    expect(secret.metadata.labels.team).toBe('core');
    for (let i = 0; i < 3; i++) expect((await chart(['upgrade', name, c, '-n', a, '--history-max', '2'])).code).toBe(0);
    expect(json<{ revision: number }[]>((await chart(['history', name, '-n', a, '-o', 'json'])).stdout).map((h) => h.revision)).toEqual([3, 4]);
    const all = json<{ name: string; namespace: string }[]>((await chart(['list', '-A', '-o', 'json'])).stdout);
    expect(all).toContainEqual(expect.objectContaining({ name, namespace: a }));
  });

  it('--atomic rolls a failed upgrade back to the revision before it', async () => {
    const n = await ns('atomic');
    expect((await chart(['install', 'atomic', hbChart('atomic', '1.0.0'), '-n', n])).code).toBe(0);
    // Version 2 has an object the API server refuses, after the Deployment was applied.
    const broken = hbChart('atomic', '2.0.0', { 'zz-bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  nested:\n    not: a string\n' });
    const r = await chart(['upgrade', 'atomic', broken, '-n', n, '--set', 'replicas=2', '--atomic']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rolling back to revision 1/);
    const hist = json<{ status: string; description: string }[]>((await helmK(['history', 'atomic', '-n', n, '-o', 'json'])).stdout);
    expect(hist.map((h) => h.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect(hist[2].description).toBe('Rollback to 1');
    expect((await getJson<{ spec: { replicas: number } }>(['get', 'deployment', 'atomic', '-n', n])).spec.replicas).toBe(1);
  }, 30_000);

  it('masks Secret values in diff, while a changed value still shows', async () => {
    const n = await ns('secret');
    const c = hbChart('sec', '1.0.0', { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: {{Values.password}}\n' });
    writeFileSync(join(c, 'values.yaml'), 'replicas: 1\npassword: hunter2\n');
    expect((await chart(['install', 'sec', c, '-n', n])).code).toBe(0);
    const d = await chart(['diff', 'sec', c, '-n', n, '--set', 'password=correct-horse']);
    expect(d.stdout).toMatch(/Secret\/creds \(.*\): changed/);
    expect(d.stdout).not.toMatch(/hunter2|correct-horse|aHVudGVyMg|Y29ycmVjdC1ob3JzZQ/);
    expect(d.stdout).toMatch(/-\s+password: '?\*\*\* \(current value\)'?\n\+\s+password: '?\*\*\* \(new value\)'?/);
  });
});
