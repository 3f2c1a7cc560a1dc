import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jsyaml from 'js-yaml';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { inspect } from 'node:util';
import { KubeApplyConflictError, loadKubeClient } from '../../core/kube/client.js';
import type { KubeClient, KubeObject } from '../../core/kube/types.js';
import { ChartroomError } from '../../core/errors.js';
import { deleteNamespace, freshNamespace, kubeconfigPath, kubectl } from '../support/kube.js';
import { tempDir } from '../support/tmp.js';

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user?: string; namespace?: string } }[];
  'current-context'?: string;
}

/** The test kubeconfig, with its relative file paths made absolute so that copies elsewhere still work. */
function testKubeconfig(): KubeconfigDoc {
  const file = kubeconfigPath();
  const doc = jsyaml.load(readFileSync(file, 'utf8')) as KubeconfigDoc;
  const abs = (p: unknown) => (typeof p === 'string' && !isAbsolute(p) ? join(dirname(file), p) : p);
  for (const c of doc.clusters) if (c.cluster['certificate-authority']) c.cluster['certificate-authority'] = abs(c.cluster['certificate-authority']);
  for (const u of doc.users) for (const k of ['client-certificate', 'client-key', 'tokenFile']) if (u.user?.[k]) u.user[k] = abs(u.user[k]);
  return doc;
}

const tmp = tempDir('chartroom-kube-client-');
let n = 0;
function writeKubeconfig(doc: unknown, name = `kubeconfig-${++n}`): string {
  const file = join(tmp.dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof doc === 'string' ? doc : jsyaml.dump(doc));
  return file;
}

/** The error a promise rejects with (failing the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<ChartroomError> {
  const outcome = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.v)?.slice(0, 200)}`);
  expect(outcome.e).toBeInstanceOf(ChartroomError);
  return outcome.e as ChartroomError;
}

const FIELD_MANAGER = 'chartroom-test';
let kube: KubeClient;
let ns: string;

beforeAll(async () => {
  kube = loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'test', env: {} });
  ns = await freshNamespace('kube-client');
});
afterAll(async () => {
  await deleteNamespace(ns);
  tmp.cleanup();
});

const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

async function kubectlJson(args: string[]): Promise<KubeObject> {
  return JSON.parse((await kubectl([...args, '-o', 'json'])).stdout) as KubeObject;
}

describe('loading the kubeconfig', () => {
  it('reads --kubeconfig and the context, with its namespace', async () => {
    expect(kube.context).toBe('test');
    expect(kube.server).toMatch(/^https:\/\//);
    expect(kube.namespace).toBe(testKubeconfig().contexts.find((c) => c.name === 'test')?.context.namespace ?? 'default');
    expect(loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'test', namespace: 'elsewhere', env: {} }).namespace).toBe('elsewhere');
    // The client holds tokens and keys; printing it must show none.
    const tokens = testKubeconfig().users.map((u) => u.user?.token).filter((t): t is string => typeof t === 'string');
    for (const t of tokens) expect(inspect(kube, { depth: 10 }) + JSON.stringify(kube)).not.toContain(t);
  });

  it('merges several files from KUBECONFIG as kubectl does: the first to name a context wins', async () => {
    const doc = testKubeconfig();
    const test = doc.contexts.find((c) => c.name === 'test')!;
    const viewer = doc.contexts.find((c) => c.name === 'viewer')!;
    const first = writeKubeconfig({ apiVersion: 'v1', kind: 'Config', clusters: doc.clusters, users: doc.users, contexts: [test], 'current-context': 'test' });
    const second = writeKubeconfig({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'nowhere', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [],
      contexts: [{ name: 'test', context: { cluster: 'nowhere' } }, { name: 'viewer', context: { ...viewer.context, namespace: 'from-second' } }],
      'current-context': 'viewer',
    });
    const env = { KUBECONFIG: [first, join(tmp.dir, 'missing'), second].join(':') };
    const merged = loadKubeClient({ env });
    expect(merged.context).toBe('test');
    expect(merged.server).toBe(kube.server);
    expect((await merged.serverVersion()).gitVersion).toBe((await kube.serverVersion()).gitVersion);
    const asViewer = loadKubeClient({ env, context: 'viewer' });
    expect(asViewer.namespace).toBe('from-second');
    expect(asViewer.server).toBe(kube.server);

    // Without --kubeconfig and KUBECONFIG: ~/.kube/config.
    const home = join(tmp.dir, 'home');
    writeKubeconfig({ ...doc, 'current-context': 'test' }, 'home/.kube/config');
    expect(loadKubeClient({ env: { HOME: home } }).server).toBe(kube.server);
  });

  it('gets credentials from an exec plugin and from a tokenFile', async () => {
    const doc = testKubeconfig();
    const ctx = doc.contexts.find((c) => c.name === 'test')!.context;
    const token = doc.users.find((u) => u.name === ctx.user)?.user.token;
    if (typeof token !== 'string') throw new Error('this test needs the `test` context to use a token');
    const plugin = join(tmp.dir, 'credential-plugin.sh');
    const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token } };
    writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`, { mode: 0o755 });
    writeFileSync(join(tmp.dir, 'token.txt'), token);
    const file = writeKubeconfig({
      apiVersion: 'v1',
      clusters: doc.clusters,
      users: [
        { name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } } },
        // Relative to the kubeconfig's folder, as kubectl reads it.
        { name: 'file', user: { tokenFile: 'token.txt' } },
      ],
      contexts: [
        { name: 'exec', context: { cluster: ctx.cluster, user: 'exec' } },
        { name: 'file', context: { cluster: ctx.cluster, user: 'file' } },
      ],
      'current-context': 'exec',
    });
    for (const context of ['exec', 'file']) {
      const client = loadKubeClient({ kubeconfig: file, context, env: {} });
      expect((await client.list('v1', 'Namespace', undefined)).map((o) => o.metadata.name)).toContain(ns);
    }
  });

  it('uses the service account of a Pod when there is no kubeconfig', async () => {
    const doc = testKubeconfig();
    const ctx = doc.contexts.find((c) => c.name === 'test')!.context;
    const token = doc.users.find((u) => u.name === ctx.user)?.user.token;
    const ca = doc.clusters.find((c) => c.name === ctx.cluster)?.cluster['certificate-authority'];
    if (typeof token !== 'string' || typeof ca !== 'string') throw new Error('this test needs the `test` context to use a token and a certificate-authority file');
    const sa = join(tmp.dir, 'serviceaccount');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), token);
    writeFileSync(join(sa, 'ca.crt'), readFileSync(ca));
    writeFileSync(join(sa, 'namespace'), 'kube-public\n');
    const url = new URL(kube.server);
    const pod = loadKubeClient({ env: { HOME: join(tmp.dir, 'nohome'), KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port || '443' }, serviceAccountDir: sa });
    expect(pod.context).toBe('in-cluster');
    expect(pod.namespace).toBe('kube-public');
    expect((await pod.serverVersion()).gitVersion).toMatch(/^v1\./);
  });

  it('names the file and the problem when the kubeconfig cannot be used', () => {
    const broken = writeKubeconfig('apiVersion: v1\nclusters:\n  - name: a\n   cluster: {server: x}\n');
    const codeAndMessage = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as ChartroomError).code, (e as Error).message];
      }
      throw new Error('expected an error');
    };
    const [code, message] = codeAndMessage(() => loadKubeClient({ kubeconfig: broken, env: {} }));
    expect(code).toBe('KUBECONFIG');
    expect(message).toContain(broken);
    expect(message).toContain('not valid YAML');

    const missing = join(tmp.dir, 'no-such-kubeconfig');
    expect(codeAndMessage(() => loadKubeClient({ kubeconfig: missing, env: {} }))).toEqual(['KUBECONFIG', `kubeconfig ${missing} does not exist`]);
    expect(codeAndMessage(() => loadKubeClient({ env: { KUBECONFIG: missing } }))[1]).toContain(missing);

    const notAList = writeKubeconfig('apiVersion: v1\nclusters: {a: 1}\n');
    expect(codeAndMessage(() => loadKubeClient({ kubeconfig: notAList, env: {} }))).toEqual(['KUBECONFIG', `kubeconfig ${notAList}: clusters must be a list`]);

    const noServer = writeKubeconfig('apiVersion: v1\nclusters:\n- name: a\n  cluster: {}\n');
    expect(codeAndMessage(() => loadKubeClient({ kubeconfig: noServer, env: {} }))[1]).toBe(`kubeconfig ${noServer} is invalid: clusters[0].cluster.server is missing`);

    const [c2, m2] = codeAndMessage(() => loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'nope', env: {} }));
    expect(c2).toBe('KUBECONFIG');
    expect(m2).toMatch(/context "nope" is not in kubeconfig .*\(contexts: .*test.*viewer/);

    const [c3, m3] = codeAndMessage(() => loadKubeClient({ env: { HOME: join(tmp.dir, 'empty-home') } }));
    expect(c3).toBe('KUBECONFIG');
    expect(m3).toContain('no kubeconfig found');
  });
});

describe('discovery', () => {
  it('reports the server version as kubectl sees it', async () => {
    const v = await kube.serverVersion();
    const fromKubectl = JSON.parse((await kubectl(['version', '-o', 'json'])).stdout).serverVersion.gitVersion;
    expect(v.gitVersion).toBe(fromKubectl);
    expect(v.major).toBe('1');
    // The tier's own server (not a cluster CHARTROOM_TEST_KUBECONFIG points at) is 1.20.2.
    if (/\/\.cache\/kube-\d+\/kubeconfig$/.test(kubeconfigPath())) expect(v.gitVersion).toBe('v1.20.2');
  });

  it('lists group/versions and group/version/Kinds', async () => {
    const versions = await kube.apiVersions();
    expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'apps/v1/Deployment', 'v1/ConfigMap', 'rbac.authorization.k8s.io/v1/ClusterRole']));
    expect(versions.some((v) => v.includes('/status'))).toBe(false);
  });

  it('maps kinds to their resources, namespaced or not', async () => {
    expect(await kube.resourceFor('apps/v1', 'Deployment')).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true });
    expect(await kube.resourceFor('v1', 'Namespace')).toEqual({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false });
    expect(await kube.resourceFor('rbac.authorization.k8s.io/v1', 'ClusterRole')).toMatchObject({ plural: 'clusterroles', namespaced: false });
  });

  it('refuses a kind the server does not have, and says where it is served', async () => {
    const typo = await rejection(kube.resourceFor('apps/v1', 'Deploymnet'));
    expect(typo.code).toBe('KUBE_UNKNOWN_KIND');
    expect(typo.message).toContain('the server has no kind Deploymnet in apps/v1');
    expect(typo.message).toContain(`context "test", server ${kube.server}`);

    const wrongGroup = await rejection(kube.resourceFor('v1', 'Deployment'));
    expect(wrongGroup.message).toContain('the server has no kind Deployment in v1');
    expect(wrongGroup.details.hint).toBe('Deployment is served as apps/v1');

    const crd = await rejection(kube.get('example.com/v1', 'Widget', 'w', ns));
    expect(crd.code).toBe('KUBE_UNKNOWN_KIND');
    expect(crd.message).toBe(`GET Widget/w: the server does not serve example.com/v1 (context "test", server ${kube.server})`);
    expect(crd.details.hint).toContain('CustomResourceDefinition');

    expect((await rejection(kube.resourceFor('../v1', 'Pod'))).code).toBe('KUBE_UNKNOWN_KIND');
  });

  it('finds a kind whose CRD was installed after discovery was cached', async () => {
    const group = `${ns}.chartroom.test`;
    const client = loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'test', env: {} });
    expect(await client.apiVersions()).not.toContain(`${group}/v1`);
    expect((await rejection(client.resourceFor(`${group}/v1`, 'Widget'))).code).toBe('KUBE_UNKNOWN_KIND');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    await client.apply(crd, { fieldManager: FIELD_MANAGER });
    try {
      await kubectl(['wait', '--for=condition=Established', `crd/widgets.${group}`, '--timeout=15s']);
      expect(await client.resourceFor(`${group}/v1`, 'Widget')).toEqual({ group, version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
      client.refreshDiscovery?.();
      expect(await client.apiVersions()).toEqual(expect.arrayContaining([`${group}/v1`, `${group}/v1/Widget`]));
      await client.apply({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, size: 3 }, { fieldManager: FIELD_MANAGER });
      expect((await client.get(`${group}/v1`, 'Widget', 'w', ns))?.size).toBe(3);
    } finally {
      await kubectl(['delete', 'crd', `widgets.${group}`, '--wait=false']);
    }
  });
});

describe('objects', () => {
  it('creates, gets, lists and replaces; a stale resourceVersion is a conflict', async () => {
    const created = await kube.create(configMap('crud', { a: '1' }, { app: 'crud' }));
    expect(created.metadata.resourceVersion).toBeTruthy();
    await kube.create(configMap('other', { b: '2' }, { app: 'other' }));

    const got = await kube.get('v1', 'ConfigMap', 'crud', ns);
    expect(got?.data).toEqual({ a: '1' });
    expect(await kube.get('v1', 'ConfigMap', 'absent', ns)).toBeUndefined();

    const listed = await kube.list('v1', 'ConfigMap', ns, { labelSelector: 'app=crud' });
    expect(listed.map((o) => [o.apiVersion, o.kind, o.metadata.name])).toEqual([['v1', 'ConfigMap', 'crud']]);
    const everywhere = await kube.list('v1', 'ConfigMap', undefined, { labelSelector: 'app in (crud, other)' });
    expect(everywhere.map((o) => o.metadata.name).sort()).toEqual(['crud', 'other']);

    const taken = await rejection(kube.create(configMap('crud', { a: '9' })));
    expect(taken.code).toBe('KUBE_ALREADY_EXISTS');
    expect(taken.message).toContain(`CREATE ConfigMap/crud in namespace ${ns}: already exists`);

    const replaced = await kube.replace({ ...got!, data: { a: '2' } });
    expect(replaced.data).toEqual({ a: '2' });
    expect((await kubectlJson(['-n', ns, 'get', 'configmap', 'crud'])).data).toEqual({ a: '2' });

    const stale = await rejection(kube.replace({ ...got!, data: { a: '3' } }));
    expect(stale.code).toBe('KUBE_CONFLICT');
    expect(stale.message).toContain(`REPLACE ConfigMap/crud in namespace ${ns}: conflict:`);
    expect(stale.message).toContain('the object has been modified');
    expect(stale.message).toContain(`(context "test", server ${kube.server})`);

    const gone = await rejection(kube.replace(configMap('never-made', { a: '1' })));
    expect(gone.code).toBe('KUBE_NOT_FOUND');
  });

  it('reports what the server finds invalid', async () => {
    const bad = await rejection(kube.create(configMap('Bad_Name', { a: '1' })));
    expect(bad.code).toBe('KUBE_INVALID');
    expect(bad.message).toContain('CREATE ConfigMap/Bad_Name');
    expect(bad.message).toContain('metadata.name: Invalid value: "Bad_Name"');
  });

  it('server-side applies: creates, then updates, under its field manager', async () => {
    const deployment = (replicas: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    });
    const first = await kube.apply(deployment(1), { fieldManager: FIELD_MANAGER });
    expect((first.spec as { replicas: number }).replicas).toBe(1);
    const second = await kube.apply(deployment(3), { fieldManager: FIELD_MANAGER });
    expect((second.spec as { replicas: number }).replicas).toBe(3);
    const seen = await kubectlJson(['-n', ns, 'get', 'deployment', 'web', '--show-managed-fields']);
    expect((seen.spec as { replicas: number }).replicas).toBe(3);
    expect(seen.metadata.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([FIELD_MANAGER, 'Apply']);
  });

  it('dry-runs on the server without storing anything', async () => {
    const applied = await kube.apply(configMap('dry-apply', { a: '1' }), { fieldManager: FIELD_MANAGER, dryRun: true });
    expect(applied.data).toEqual({ a: '1' });
    const created = await kube.create(configMap('dry-create', { a: '1' }), { dryRun: true });
    expect(created.metadata.name).toBe('dry-create');
    const names = (await kubectl(['-n', ns, 'get', 'configmaps', '-o', 'name'])).stdout;
    expect(names).not.toContain('dry-');
    expect(await kube.get('v1', 'ConfigMap', 'dry-apply', ns)).toBeUndefined();
  });

  it('refuses to take fields another field manager owns, naming them, unless forced', async () => {
    await kubectl(['-n', ns, 'apply', '--server-side', '--field-manager', 'someone-else', '-f', '-'], {
      input: JSON.stringify(configMap('shared', { owned: 'theirs' })),
    });
    const err = await rejection(kube.apply(configMap('shared', { owned: 'ours' }), { fieldManager: FIELD_MANAGER }));
    expect(err.code).toBe('KUBE_APPLY_CONFLICT');
    expect(err.message).toContain(`APPLY ConfigMap/shared in namespace ${ns}`);
    expect(err.message).toContain('.data.owned (owned by "someone-else"');
    expect(err.message).toContain(`field manager "${FIELD_MANAGER}"`);
    expect(err).toBeInstanceOf(KubeApplyConflictError);
    expect((err as KubeApplyConflictError).conflicts).toEqual([expect.objectContaining({ field: '.data.owned', manager: 'someone-else' })]);
    expect((await kube.get('v1', 'ConfigMap', 'shared', ns))?.data).toEqual({ owned: 'theirs' });

    const forced = await kube.apply(configMap('shared', { owned: 'ours' }), { fieldManager: FIELD_MANAGER, force: true });
    expect(forced.data).toEqual({ owned: 'ours' });
    const owners = (await kubectlJson(['-n', ns, 'get', 'configmap', 'shared', '--show-managed-fields'])).metadata.managedFields ?? [];
    const ours = owners.find((f) => f.manager === FIELD_MANAGER);
    expect(JSON.stringify(ours?.fieldsV1)).toContain('f:owned');
  });

  it('deletes, and says whether there was anything to delete', async () => {
    await kube.create(configMap('doomed', { a: '1' }));
    expect(await kube.delete('v1', 'ConfigMap', 'doomed', ns, { propagationPolicy: 'Background' })).toBe(true);
    expect(await kube.get('v1', 'ConfigMap', 'doomed', ns)).toBeUndefined();
    expect(await kube.delete('v1', 'ConfigMap', 'doomed', ns)).toBe(false);
  });
});

describe('refusals and failures', () => {
  it('reports 403 with the verb and resource the server refused', async () => {
    const viewer = loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'viewer', env: {} });
    const err = await rejection(viewer.get('v1', 'ConfigMap', 'crud', ns));
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.message).toContain(`GET ConfigMap/crud in namespace ${ns}: forbidden:`);
    expect(err.message).toContain('cannot get resource "configmaps"');
    expect(err.message).toContain(`(context "viewer", server ${viewer.server})`);
    const apply = await rejection(viewer.apply(configMap('x', { a: '1' }), { fieldManager: FIELD_MANAGER }));
    expect(apply.code).toBe('KUBE_FORBIDDEN');
    expect(apply.message).toContain('cannot patch resource "configmaps"');
  });

  it('reports 401 without showing the token', async () => {
    const doc = testKubeconfig();
    const secret = 'not-a-valid-token-0123456789';
    const file = writeKubeconfig({ ...doc, users: [{ name: 'intruder', user: { token: secret } }], contexts: [{ name: 'intruder', context: { cluster: doc.contexts.find((c) => c.name === 'test')!.context.cluster, user: 'intruder' } }], 'current-context': 'intruder' });
    const err = await rejection(loadKubeClient({ kubeconfig: file, env: {} }).serverVersion());
    expect(err.code).toBe('KUBE_UNAUTHORIZED');
    expect(err.message).toContain('GET /version: the server did not accept the credentials (401');
    expect(err.message + JSON.stringify(err) + inspect(err, { depth: 10 })).not.toContain(secret);
  });

  it('reports an unreachable server with the context and the server', async () => {
    const closed: number = await new Promise((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const file = writeKubeconfig({ apiVersion: 'v1', clusters: [{ name: 'gone', cluster: { server: `https://127.0.0.1:${closed}` } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }], 'current-context': 'gone' });
    const gone = loadKubeClient({ kubeconfig: file, env: {} });
    const err = await rejection(gone.get('apps/v1', 'Deployment', 'web', 'shop'));
    expect(err.code).toBe('KUBE_UNREACHABLE');
    expect(err.message).toBe(`GET Deployment/web: GET /apis/apps/v1: cannot reach the cluster: connect ECONNREFUSED 127.0.0.1:${closed} (context "gone", server https://127.0.0.1:${closed})`);
  });

  it('gives up on a server that never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    const port: number = await new Promise((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      const file = writeKubeconfig({ apiVersion: 'v1', clusters: [{ name: 'mute', cluster: { server: `https://127.0.0.1:${port}` } }], users: [], contexts: [{ name: 'mute', context: { cluster: 'mute' } }], 'current-context': 'mute' });
      const err = await rejection(loadKubeClient({ kubeconfig: file, env: {}, requestTimeoutMs: 300 }).serverVersion());
      expect(err.code).toBe('KUBE_UNREACHABLE');
      expect(err.message).toContain('no answer within 0.3s');
      expect(err.message).toContain(`context "mute", server https://127.0.0.1:${port}`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  const hasCertContext = () => testKubeconfig().contexts.some((c) => c.name === 'test-cert');
  it('authenticates with a client certificate and inline CA data (context test-cert, when the kubeconfig has it)', async () => {
    if (!hasCertContext()) {
      console.warn('the kubeconfig has no test-cert context: client certificate authentication is not tested against this cluster');
      return;
    }
    const certUser = loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'test-cert', env: {} });
    expect(certUser.namespace).toBe('default');
    const names = (await certUser.list('v1', 'Namespace', undefined)).map((o) => o.metadata.name);
    expect(names).toContain(ns);
  });
});
