import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { startReplica } from '../support/replica.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('chart serve', () => {
  it.each([
    [['--storage', 's3'], 'Error: --storage s3 needs --s3-bucket (or CHARTROOM_S3_BUCKET)'],
    [['--storage', 'ftp'], 'Error: --storage: "ftp" is not local or s3'],
    [['--port', 'eighty'], 'Error: --port: "eighty" is not a port number'],
    [['--max-upload-size', 'lots'], 'Error: --max-upload-size: "lots" is not a size (e.g. 20MiB, 512k, 1048576)'],
    [['--htpasswd', '/nonexistent/htpasswd'], 'Error: --htpasswd: /nonexistent/htpasswd does not exist'],
  ])('stops a bad configuration %j with one clear line', async (args, line) => {
    const r = await chartCli(['serve', '--host', '127.0.0.1', '--port', '0', '--storage-dir', join(tmp.dir, 'd'), ...(args as string[])]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(line);
  });

  it('reads its settings from environment variables too', async () => {
    const r = await chartCli(['serve', '--host', '127.0.0.1', '--port', '0'], { env: { CHARTROOM_STORAGE: 's3' } });
    expect(r.stderr.trim()).toBe('Error: --storage s3 needs --s3-bucket (or CHARTROOM_S3_BUCKET)');
  });

  it('publishes the example charts and shuts down cleanly on SIGTERM', async () => {
    const r = await startReplica(['--storage-dir', join(tmp.dir, 'data'), '--publish-examples', 'charts']);
    const index = await (await fetch(`${r.url}/index.yaml`)).text();
    expect(index).toContain('shop:');
    expect(index).toContain('webapp:');
    expect(index).toContain('worker:');
    await r.stop('SIGTERM');
    expect(r.proc.exitCode).toBe(0);
    expect(r.logs.some((l) => l.includes('"signal":"SIGTERM"'))).toBe(true);
  });
});

describe('charts/chartroom-registry', () => {
  it('sets only environment variables that chart serve reads', async () => {
    const { ENV_VARS } = await import('../../registry-server/config.js');
    const known = new Set(Object.values(ENV_VARS));
    const r = await chartCli(['template', 'reg', 'charts/chartroom-registry', '-f', 'test/golden/registry-s3.values.yaml']);
    const used = [...r.stdout.matchAll(/name: (CHARTROOM_[A-Z0-9_]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(8);
    expect(used.filter((v) => !known.has(v))).toEqual([]);
  });

  it('refuses several replicas on local storage', async () => {
    const r = await chartCli(['template', 'reg', 'charts/chartroom-registry', '--set', 'replicaCount=2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deployment.yaml:2:1: storage.type local keeps charts on one volume and supports one replica/);
  });
});
