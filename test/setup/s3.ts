import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { createRequire as requireFrom } from 'node:module';
import type * as Ports from './ports.js';
import { promisify } from 'node:util';
// Loaded by file name: Jest requires global setup modules without the tests' './x.js' mapping.
const { freePair, freePort } = requireFrom(import.meta.url)('./ports.ts') as typeof Ports;

const run = promisify(execFile);
const SCRIPT = join(process.cwd(), 'test', 'support', 'ceph-rgw.sh');

function haveCeph(): boolean {
  return ['/usr/bin/radosgw', '/usr/bin/ceph-mon', '/usr/bin/ceph-osd'].every((f) => existsSync(f));
}

/**
 * Starts Ceph RGW for this test run (installing the Debian packages when running as root), unless
 * CHARTROOM_TEST_S3_ENDPOINT already names a server. Returns a stop function.
 */
export async function startS3(): Promise<() => Promise<void>> {
  if (process.env.CHARTROOM_TEST_S3_ENDPOINT) return async () => undefined;
  if (!haveCeph()) {
    const isRoot = process.getuid?.() === 0;
    const isDebian = existsSync('/etc/debian_version');
    if (!isRoot || !isDebian) {
      throw new Error('S3 tests need a real S3-compatible server: install ceph-mon ceph-osd radosgw (Debian), or set CHARTROOM_TEST_S3_ENDPOINT, CHARTROOM_TEST_S3_ACCESS_KEY and CHARTROOM_TEST_S3_SECRET_KEY');
    }
    execFileSync('bash', [SCRIPT, 'install'], { stdio: 'ignore' });
  }
  const base = join(process.cwd(), '.cache', `ceph-${process.pid}`);
  const env = {
    ...process.env,
    BASE: base,
    RGW_PORT: String(await freePort()),
    MON_PORT: String(await freePair()),
    ACCESS_KEY: 'CHARTROOMTESTKEY0000',
    SECRET_KEY: 'chartroomtestsecret000000000000000000000',
    MEMSTORE_BYTES: String(1024 * 1024 * 1024),
  };
  try {
    await run('bash', [SCRIPT, 'start'], { env, timeout: 120_000 });
  } catch (e) {
    await run('bash', [SCRIPT, 'stop'], { env }).catch(() => undefined);
    throw new Error(`could not start Ceph RGW for the S3 tests: ${(e as Error & { stderr?: string }).stderr ?? (e as Error).message}`);
  }
  process.env.CHARTROOM_TEST_S3_ENDPOINT = `http://127.0.0.1:${env.RGW_PORT}`;
  process.env.CHARTROOM_TEST_S3_ACCESS_KEY = env.ACCESS_KEY;
  process.env.CHARTROOM_TEST_S3_SECRET_KEY = env.SECRET_KEY;
  return async () => {
    await run('bash', [SCRIPT, 'stop'], { env }).catch(() => undefined);
  };
}
