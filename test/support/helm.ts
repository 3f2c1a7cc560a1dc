import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the test setup unpacks the real helm binary. */
export const HELM_BIN = join(process.cwd(), '.cache', 'helm', 'helm');

/** Runs the real helm with an isolated home; rejects with helm's stderr on failure. */
export async function helm(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(HELM_BIN)) throw new Error(`helm is not unpacked at ${HELM_BIN}; the jest global setup does that`);
  const home = join(process.cwd(), '.cache', 'helm-home');
  try {
    return await run(HELM_BIN, args, {
      cwd: opts.cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
        ...opts.env,
      },
    });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}
