import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helm } from './helm.js';

const run = promisify(execFile);

/** Where the kube tier's setup unpacks the real kubectl. */
export const KUBECTL_BIN = join(process.cwd(), '.cache', 'kubectl', 'kubectl');

/**
 * The test cluster's kubeconfig (contexts `test`: cluster-admin, `viewer`: no rights), from
 * CHARTROOM_TEST_KUBECONFIG, which the kube tier's setup sets (or the developer, for another cluster).
 */
export function kubeconfigPath(): string {
  const path = process.env.CHARTROOM_TEST_KUBECONFIG;
  if (!path) throw new Error('CHARTROOM_TEST_KUBECONFIG is not set: run this test in the kube tier (its global setup starts the API server)');
  return path;
}

/** Runs the real kubectl against the test cluster (context `test` unless args say otherwise); rejects with its stderr. */
export async function kubectl(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(KUBECTL_BIN)) throw new Error(`kubectl is not unpacked at ${KUBECTL_BIN}; the kube tier's global setup does that`);
  // kubectl keeps a discovery cache under $HOME/.kube: give it a home in the checkout's scratch folder.
  const home = join(process.cwd(), '.cache', 'kubectl-home');
  const hasContext = args.some((a) => a === '--context' || a.startsWith('--context='));
  const full = ['--kubeconfig', kubeconfigPath(), ...(hasContext ? [] : ['--context', 'test']), ...args];
  try {
    const child = run(KUBECTL_BIN, full, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: home, ...opts.env } });
    if (opts.input !== undefined) child.child.stdin?.end(opts.input);
    return await child;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** Runs the real helm against the test cluster (`--kubeconfig`, context `test`), with helm's isolated home. */
export async function helmK(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  const hasContext = args.some((a) => a === '--kube-context' || a.startsWith('--kube-context='));
  return helm([...args, '--kubeconfig', kubeconfigPath(), ...(hasContext ? [] : ['--kube-context', 'test'])], opts);
}

/**
 * Creates a namespace of its own for a test (`<prefix>-<random>`) and returns its name. Delete it at the end
 * with deleteNamespace(); on this server (no controller-manager) it then stays Terminating, which is fine.
 */
export async function freshNamespace(prefix: string): Promise<string> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'test';
  const name = `${base}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

/** Deletes a namespace without waiting for it to go (nothing finalizes it here). */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** An object as the tests name it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Plays the controller: merges `status` into the object's /status subresource (PATCH, as a controller does),
 * e.g. a Deployment's `availableReplicas` or a Job's `succeeded: 1`.
 */
export async function setStatus(ref: ObjectRef, status: Record<string, unknown>): Promise<void> {
  const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
  // kind.version.group names the resource exactly, whatever other groups share the kind.
  const resource = group ? `${ref.kind}.${version}.${group}` : ref.kind;
  const ns = ref.namespace ? ['-n', ref.namespace] : [];
  await kubectl([...ns, 'patch', resource, ref.name, '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status })]);
}
