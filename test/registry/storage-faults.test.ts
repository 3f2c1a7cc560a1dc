import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { RunningRegistry } from '../../registry-server/server.js';
import { packagedChart } from '../support/packaged.js';
import { startTestRegistry } from '../support/registry.js';
import { freshBucket, s3Settings } from '../support/s3.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

/** A TCP proxy to the S3 server that the test can cut and restore, as an outage would. */
class Outage {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: URL) {}
  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server!.address() as { port: number }).port;
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}

const tmp = tempDir();
let outage: Outage;
let reg: RunningRegistry & { logs: string[] };
let bucket: string;

beforeAll(async () => {
  const s = s3Settings();
  bucket = await freshBucket('faults');
  outage = new Outage(new URL(s.endpoint));
  await outage.up();
  process.env.AWS_ACCESS_KEY_ID = s.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s.secretAccessKey;
  reg = await startTestRegistry({ storage: 's3', s3Bucket: bucket, s3Endpoint: `http://127.0.0.1:${outage.port}`, s3ForcePathStyle: true, allowAnonymousWrite: true, syncInterval: '0.5' });
});
afterAll(async () => {
  await reg.close();
  await outage.down();
  tmp.cleanup();
});

const publish = (data: Buffer) => fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(data) });

describe('storage faults', () => {
  it('answers 503 with a JSON error while storage is down, logs it once, and recovers when it returns', async () => {
    expect((await publish(packagedChart(tmp.dir, 'before', '1.0.0').data)).status).toBe(201);
    await outage.down();
    const r = await publish(packagedChart(tmp.dir, 'during', '1.0.0').data);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ error: 'storage unavailable; try again shortly' });
    const get = await fetch(`${reg.url}/charts/before-1.0.0.tgz`);
    expect(get.status).toBe(503);
    // The index is served from memory all along.
    expect((await fetch(`${reg.url}/index.yaml`)).status).toBe(200);
    // Several periodic syncs (every 0.5 s) must have failed before "logs it once" means anything.
    const failedSyncs = async () => Number(/^chartroom_storage_errors_total\{operation="sync"\} (\d+)$/m.exec(await (await fetch(`${reg.url}/metrics`)).text())?.[1] ?? 0);
    await waitFor(async () => (await failedSyncs()) >= 3, { timeoutMs: 15_000, intervalMs: 100, what: 'three failed index syncs while storage is down' });
    const syncErrors = reg.logs.filter((l) => l.includes('cannot sync the index with storage'));
    expect(syncErrors).toHaveLength(1);
    await outage.up();
    let status = 0;
    await waitFor(async () => (status = (await publish(packagedChart(tmp.dir, 'after', '1.0.0').data)).status) === 201, { timeoutMs: 10_000, intervalMs: 200, what: 'a publish to succeed once storage is back' });
    expect(status).toBe(201);
    expect((await fetch(`${reg.url}/charts/before-1.0.0.tgz`)).status).toBe(200);
    // A publish that failed while storage was down left nothing behind.
    expect((await fetch(`${reg.url}/api/charts/during`)).status).toBe(404);
  });

  it('answers 503 when storage refuses the credentials', async () => {
    const s = s3Settings();
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret-wrong-secret-wrong-secret00';
    const denied = await startTestRegistry({ storage: 's3', s3Bucket: bucket, s3Endpoint: s.endpoint, s3ForcePathStyle: true, allowAnonymousWrite: true });
    process.env.AWS_SECRET_ACCESS_KEY = saved;
    try {
      expect((await fetch(`${denied.url}/health`)).status).toBe(503);
      const r = await fetch(`${denied.url}/api/charts`, { method: 'POST', body: new Uint8Array(packagedChart(tmp.dir, 'denied', '1.0.0').data) });
      expect(r.status).toBe(503);
      expect(denied.logs.join('\n')).not.toContain('wrong-secret');
    } finally {
      await denied.close();
    }
  });
});
