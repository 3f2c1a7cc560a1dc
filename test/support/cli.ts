import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CHART_BIN = join(process.cwd(), 'dist', 'chart.cjs');
/** The cache folder of every `chart` the tests start (code caches, parsed templates), never the isolated HOME. */
export const TEST_CACHE_DIR = join(process.cwd(), '.cache', 'test-cache');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `chart` CLI as a user would. */
export function chartCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { CHARTROOM_CACHE_DIR: TEST_CACHE_DIR, ...process.env, ...opts.env };
    const child = spawn(process.execPath, [CHART_BIN, ...args], { cwd: opts.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
