import { execFileSync } from 'node:child_process';

const state = globalThis as { __chartroomDistBuilt?: boolean };

/**
 * Builds dist/ (`node build.mjs --if-stale`: only when an input changed since the last complete build) so that
 * tests which run the CLI never run a stale bundle. Several projects' setups call this; the global setups all run
 * in Jest's main process, so it builds once per jest run.
 */
export function buildDistOnce(root = process.cwd()): void {
  if (state.__chartroomDistBuilt) return;
  try {
    execFileSync(process.execPath, ['build.mjs', '--if-stale'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`node build.mjs failed, so the CLI tests cannot run:\n${err.stderr || err.stdout || err.message}`);
  }
  state.__chartroomDistBuilt = true;
}
