import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadKubeClient } from '../../core/kube/client.js';
import { deleteNamespace, freshNamespace, helmK, kubeconfigPath, kubectl, setStatus } from '../support/kube.js';

// The helpers release tests build on: a namespace per test file, kubectl and helm as oracles, and setStatus
// to play the controllers this API server does not run.
let ns: string;
beforeAll(async () => {
  ns = await freshNamespace('Harness_Test');
});
afterAll(async () => {
  await deleteNamespace(ns);
});

describe('the kube test harness', () => {
  it('makes a fresh namespace of its own', async () => {
    expect(ns).toMatch(/^harness-test-[0-9a-f]{6}$/);
    expect((await kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Active');
  });

  it('plays the controller: setStatus writes the /status subresource', async () => {
    const kube = loadKubeClient({ kubeconfig: kubeconfigPath(), context: 'test', env: {} });
    await kube.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
      },
      { fieldManager: 'harness' },
    );
    // Nothing runs the Deployment here: it stays without status until a test says otherwise.
    expect((await kube.get('apps/v1', 'Deployment', 'web', ns))?.status).toEqual({});
    await setStatus({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns }, { observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
    expect((await kube.get('apps/v1', 'Deployment', 'web', ns))?.status).toMatchObject({ availableReplicas: 2, readyReplicas: 2 });

    await kubectl(['-n', ns, 'create', 'job', 'once', '--image', 'busybox']);
    await setStatus({ apiVersion: 'batch/v1', kind: 'Job', name: 'once', namespace: ns }, { succeeded: 1 });
    expect(JSON.parse((await kubectl(['-n', ns, 'get', 'job', 'once', '-o', 'json'])).stdout).status.succeeded).toBe(1);
  });

  it('runs the real helm against the cluster', async () => {
    const { stdout } = await helmK(['list', '-n', ns, '-o', 'json']);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('refuses the viewer as RBAC should', async () => {
    await expect(kubectl(['--context', 'viewer', '-n', ns, 'get', 'configmaps'])).rejects.toThrow(/forbidden/);
  });
});
