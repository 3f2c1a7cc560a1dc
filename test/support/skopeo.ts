import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const DEBIAN_BIN = '/usr/bin/skopeo';
const HOW = 'the OCI interop tests need skopeo: run them as root on Debian (they install it), run apt-get install -y skopeo, or set CHARTROOM_TEST_SKOPEO to a skopeo binary';

/** The skopeo binary: CHARTROOM_TEST_SKOPEO, else Debian's, installed when missing (as root on Debian). */
export function skopeoBinary(): string {
  const named = process.env.CHARTROOM_TEST_SKOPEO;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHARTROOM_TEST_SKOPEO=${named} does not exist; ${HOW}`);
    return named;
  }
  if (existsSync(DEBIAN_BIN)) return DEBIAN_BIN;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) throw new Error(`${DEBIAN_BIN} is missing and this is not root on Debian; ${HOW}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', 'skopeo'], { stdio: 'ignore', env });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
      execFileSync('apt-get', ['install', '-y', 'skopeo'], { stdio: 'ignore', env });
    } catch (e) {
      throw new Error(`apt-get install -y skopeo failed (${(e as Error).message.split('\n')[0]}); ${HOW}`);
    }
  }
  if (!existsSync(DEBIAN_BIN)) throw new Error(`apt-get installed skopeo, but ${DEBIAN_BIN} is still missing; ${HOW}`);
  return DEBIAN_BIN;
}

/**
 * Runs skopeo against a plain-HTTP registry on loopback, in a home of its own inside `dir` (its auth file,
 * caches and policy stay there, never in the user's or the test run's HOME): `--tls-verify=false` lets it
 * speak HTTP, and a policy that accepts anything lets `copy` run without /etc/containers. Rejects with
 * skopeo's stderr on failure.
 */
export async function skopeo(dir: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const bin = skopeoBinary();
  const home = join(dir, 'skopeo-home');
  mkdirSync(join(home, 'run'), { recursive: true, mode: 0o700 });
  const policy = join(home, 'policy.json');
  if (!existsSync(policy)) writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const registries = join(home, 'registries.conf');
  if (!existsSync(registries)) writeFileSync(registries, 'unqualified-search-registries = []\n');
  const [command, ...rest] = args;
  const global = ['--policy', policy, '--registries-conf', registries];
  try {
    return await run(bin, [...global, command, ...rest], {
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_RUNTIME_DIR: join(home, 'run'),
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CACHE_HOME: join(home, 'cache'),
        REGISTRY_AUTH_FILE: join(home, 'auth.json'),
      },
    });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}
