// The OCI API of several `chart serve` processes on one S3 bucket (Ceph RGW on loopback), sharing nothing else:
// upload sessions, the commit of a tag, and the token signing key all live in the bucket.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { loadChartArchiveAsync } from '../../core/chart/loader.js';
import { chartManifest, digestOf, helmConfigJson, MEDIA_TYPE_MANIFEST } from '../../core/oci/format.js';
import { packagedChart } from '../support/packaged.js';
import { basic } from '../support/registry.js';
import { startReplica, waitFor, type Replica } from '../support/replica.js';
import { freshBucket, s3Settings } from '../support/s3.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const ADMIN = basic('admin', 'admin-pass');
let bucket: string;
const running: Replica[] = [];

function env() {
  const s = s3Settings();
  return { AWS_ACCESS_KEY_ID: s.accessKeyId, AWS_SECRET_ACCESS_KEY: s.secretAccessKey, AWS_REGION: 'us-east-1' };
}

async function replica(): Promise<Replica> {
  const s = s3Settings();
  const r = await startReplica(['--storage', 's3', '--s3-bucket', bucket, '--s3-endpoint', s.endpoint, '--s3-force-path-style', '--htpasswd', join(tmp.dir, 'htpasswd'), '--sync-interval', '1'], env());
  running.push(r);
  return r;
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('admin-pass', 5)}\n`);
  bucket = await freshBucket('oci-replicas');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});
afterAll(() => tmp.cleanup());

const call = (r: Replica, path: string, init: RequestInit = {}) => fetch(`${r.url}${path}`, { ...init, headers: { Authorization: ADMIN, ...(init.headers as Record<string, string>) } });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A packaged chart and the manifest helm would push for it. */
async function artifact(name: string, version: string, readme: string) {
  const c = packagedChart(tmp.dir, name, version, { 'README.md': readme });
  const md = (await loadChartArchiveAsync(c.data, c.file)).metadata;
  const config = Buffer.from(helmConfigJson(md));
  const manifest = chartManifest(md, { config, archive: c.data }, '2026-01-01T00:00:00Z').bytes;
  return { archive: c.data, config, manifest, digest: digestOf(manifest) };
}

async function pushBlobs(r: Replica, name: string, blobs: Buffer[]): Promise<void> {
  for (const b of blobs) {
    const res = await call(r, `/v2/${name}/blobs/uploads/?digest=${digestOf(b)}`, { method: 'POST', body: new Uint8Array(b) });
    expect(res.status).toBe(201);
  }
}

const putManifest = (r: Replica, name: string, tag: string, body: Buffer) => call(r, `/v2/${name}/manifests/${tag}`, { method: 'PUT', body: new Uint8Array(body), headers: { 'Content-Type': MEDIA_TYPE_MANIFEST } }).then(async (res) => ({ status: res.status, body: await res.text() }));

describe('the OCI API on replicas sharing one bucket', () => {
  it('lets exactly one of racing pushes of one tag win; the others are refused, and every replica serves the winner', async () => {
    const reps = [await replica(), await replica()];
    for (let round = 0; round < 3; round++) {
      const name = `race${round}`;
      const variants = await Promise.all(Array.from({ length: 6 }, (_, i) => artifact(name, '1.0.0', `variant ${i} of round ${round}\n`)));
      await Promise.all(variants.map((v, i) => pushBlobs(reps[i % 2], name, [v.config, v.archive])));
      const results = await Promise.all(variants.map((v, i) => putManifest(reps[i % 2], name, '1.0.0', v.manifest)));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(409);
        expect(JSON.parse(r.body).errors[0]).toMatchObject({ code: 'DENIED', message: expect.stringMatching(new RegExp(`${name} 1.0.0 already exists`)) });
      }
      const winner = variants[statuses.indexOf(201)];
      for (const r of reps) {
        await waitFor(async () => (await call(r, `/v2/${name}/manifests/1.0.0`, { method: 'HEAD' })).headers.get('docker-content-digest') === winner.digest, 5000, 'every replica to serve the winner');
        const got = Buffer.from(await (await call(r, `/v2/${name}/manifests/${winner.digest}`)).arrayBuffer());
        expect(got.equals(winner.manifest)).toBe(true);
        const archive = Buffer.from(await (await call(r, `/charts/${name}-1.0.0.tgz`)).arrayBuffer());
        expect(archive.equals(winner.archive)).toBe(true);
      }
    }
    // Pushing the same bytes through both replicas at once: both succeed (the loser finds the same manifest).
    const same = await artifact('twins', '1.0.0', 'identical\n');
    await pushBlobs(reps[0], 'twins', [same.config, same.archive]);
    const both = await Promise.all(reps.map((r) => putManifest(r, 'twins', '1.0.0', same.manifest)));
    expect(both.map((b) => b.status)).toEqual([201, 201]);
    // Each replica serves it at once (the one that lost the race took the winner's record in, without waiting for a sync).
    for (const r of reps) expect((await call(r, '/v2/twins/manifests/1.0.0', { method: 'HEAD' })).headers.get('docker-content-digest')).toBe(same.digest);
  });

  it('continues an upload started on one replica on the other, chunk by chunk, and completes it there', async () => {
    const [a, b] = [await replica(), await replica()];
    const data = Buffer.concat([Buffer.alloc(300_000, 1), Buffer.from('middle'), Buffer.alloc(200_000, 2)]);
    const start = await call(a, '/v2/team-x/shared/blobs/uploads/', { method: 'POST' });
    expect(start.status).toBe(202);
    const location = start.headers.get('location')!;
    const patch = (r: Replica, from: number, to: number) => call(r, location, { method: 'PATCH', body: new Uint8Array(data.subarray(from, to + 1)), headers: { 'Content-Range': `${from}-${to}` } });
    expect((await patch(a, 0, 299_999)).status).toBe(202);
    const second = await patch(b, 300_000, 400_000);
    expect(second.status).toBe(202);
    expect(second.headers.get('range')).toBe('0-400000');
    expect((await patch(a, 300_000, 400_000)).status).toBe(416);
    expect((await call(a, location)).headers.get('range')).toBe('0-400000');
    const put = await call(b, `${location}?digest=${digestOf(data)}`, { method: 'PUT', body: new Uint8Array(data.subarray(400_001)), headers: { 'Content-Range': `400001-${data.length - 1}` } });
    expect(put.status).toBe(201);
    expect((await call(a, location)).status).toBe(404);
    // The blob is now a blob of the tenant, whichever replica is asked (a pusher sees what storage holds).
    const got = Buffer.from(await (await call(a, `/v2/team-x/shared/blobs/${digestOf(data)}`)).arrayBuffer());
    expect(sha(got)).toBe(sha(data));
  });

  it('accepts a token one replica issued on the other: the signing key is made once, in the bucket', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const chart = await artifact('signed-for', '2.0.0', 'token test\n');
    await pushBlobs(a, 'signed-for', [chart.config, chart.archive]);
    expect((await putManifest(a, 'signed-for', '2.0.0', chart.manifest)).status).toBe(201);
    await waitFor(async () => (await call(b, '/v2/signed-for/tags/list')).status === 200, 5000, 'replica b to see the push');
    const tokenOf = async (r: Replica) => ((await (await call(r, '/v2/token?scope=repository:signed-for:pull')).json()) as { token: string }).token;
    const [ta, tb] = await Promise.all([tokenOf(a), tokenOf(b)]);
    for (const [r, t] of [[b, ta], [a, tb]] as const) {
      const res = await fetch(`${r.url}/v2/signed-for/tags/list`, { headers: { Authorization: `Bearer ${t}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { tags: string[] }).tags).toEqual(['2.0.0']);
    }
    // The answers above came from checking the signature: a token that does not check out is refused.
    expect((await fetch(`${b.url}/v2/signed-for/tags/list`, { headers: { Authorization: `Bearer ${ta.slice(0, -4)}AAAA` } })).status).toBe(401);
    expect(a.logs.join('\n')).not.toContain(ta);
  });
});
