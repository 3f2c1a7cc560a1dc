import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire as requireFrom } from 'node:module';
import type * as Ports from './ports.js';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
// Loaded by file name: Jest requires global setup modules without the tests' './x.js' mapping.
const { freePair, freePort } = requireFrom(import.meta.url)('./ports.ts') as typeof Ports;

const run = promisify(execFile);

/** Where kube-apiserver is built: outside the isolated test HOME, so once per machine, not once per run. */
export const KUBE_PREFIX = process.env.CHARTROOM_KUBE_PREFIX || '/var/cache/chartroom/kube-apiserver-1.20.2';

const ANOTHER_CLUSTER =
  'or point the tests at a cluster you have: CHARTROOM_TEST_KUBECONFIG=/path/to/kubeconfig with contexts `test` (cluster-admin) and `viewer` (no rights) (docs/testing.md)';

/** Two free consecutive ports (etcd's client and peer ports). */

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function haveServer(): boolean {
  return existsSync(join(KUBE_PREFIX, 'kube-apiserver')) && onPath('etcd');
}

/**
 * Starts etcd and kube-apiserver v1.20.2 on free loopback ports for this jest run (building the server first
 * when it is missing and we are root on Debian), and sets CHARTROOM_TEST_KUBECONFIG for the tests. When
 * CHARTROOM_TEST_KUBECONFIG is already set, that cluster is used and nothing starts. Returns a stop function.
 */
export async function startKube(root: string): Promise<() => Promise<void>> {
  if (process.env.CHARTROOM_TEST_KUBECONFIG) {
    if (!existsSync(process.env.CHARTROOM_TEST_KUBECONFIG)) throw new Error(`CHARTROOM_TEST_KUBECONFIG=${process.env.CHARTROOM_TEST_KUBECONFIG} does not exist`);
    return async () => undefined;
  }
  const script = join(root, 'test', 'support', 'kube-apiserver.sh');
  if (!haveServer()) {
    if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
      throw new Error(`The kube tests need a Kubernetes API server: kube-apiserver is not built at ${KUBE_PREFIX} (build it once as root on Debian: bash test/support/kube-apiserver.sh install), ${ANOTHER_CLUSTER}`);
    }
    process.stderr.write(`Building kube-apiserver v1.20.2 into ${KUBE_PREFIX} (once per machine; several minutes)...\n`);
    try {
      await run('bash', [script, 'install'], { env: { ...process.env, PREFIX: KUBE_PREFIX }, timeout: 45 * 60_000, maxBuffer: 256 * 1024 * 1024 });
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(`could not build kube-apiserver into ${KUBE_PREFIX}: ${(err.stderr ?? err.message).trim().split('\n').slice(-15).join('\n')}\n${ANOTHER_CLUSTER}`);
    }
  }
  const etcdPort = await freePair();
  const env = {
    ...process.env,
    PREFIX: KUBE_PREFIX,
    BASE: join(root, '.cache', `kube-${process.pid}`),
    API_PORT: String(await freePort()),
    ETCD_PORT: String(etcdPort),
    ETCD_PEER_PORT: String(etcdPort + 1),
  };
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
    } catch {
      // The daemons are gone already; nothing else to do at exit.
    }
  };
  // Should jest end without running the teardown (an interrupted run), still stop the daemons.
  process.once('exit', stopNow);
  let kubeconfig: string;
  try {
    kubeconfig = (await run('bash', [script, 'start'], { env, timeout: 120_000 })).stdout.trim().split('\n').pop()!;
  } catch (e) {
    stopNow();
    const err = e as Error & { stderr?: string };
    throw new Error(`could not start kube-apiserver for the kube tests: ${(err.stderr || err.message).trim()}\n${ANOTHER_CLUSTER}`);
  }
  process.env.CHARTROOM_TEST_KUBECONFIG = kubeconfig;
  return async () => {
    delete process.env.CHARTROOM_TEST_KUBECONFIG;
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stopNow);
    await run('bash', [script, 'stop'], { env }).catch(() => undefined);
  };
}
