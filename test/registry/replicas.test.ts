import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { packagedChart } from '../support/packaged.js';
import { startReplica, waitFor, type Replica } from '../support/replica.js';
import { freshBucket, s3Settings } from '../support/s3.js';
import { tempDir } from '../support/tmp.js';

/**
 * Several `chart serve` processes on one S3 bucket (Ceph RGW on loopback), and nothing else shared.
 */
const tmp = tempDir();
let bucket: string;
const running: Replica[] = [];

function env() {
  const s = s3Settings();
  return { AWS_ACCESS_KEY_ID: s.accessKeyId, AWS_SECRET_ACCESS_KEY: s.secretAccessKey, AWS_REGION: 'us-east-1' };
}

async function replica(extra: string[] = []): Promise<Replica> {
  const s = s3Settings();
  const r = await startReplica(['--storage', 's3', '--s3-bucket', bucket, '--s3-endpoint', s.endpoint, '--s3-force-path-style', '--allow-anonymous-write', '--sync-interval', '1', ...extra], env());
  running.push(r);
  return r;
}

async function index(r: Replica): Promise<Record<string, { version: string; digest: string }[]>> {
  const res = await fetch(`${r.url}/index.yaml`);
  if (res.status !== 200) return {};
  return parse(await res.text()).entries ?? {};
}

const has = async (r: Replica, name: string, version: string) => ((await index(r))[name] ?? []).some((e) => e.version === version);

function publish(r: Replica, data: Buffer): Promise<number> {
  return fetch(`${r.url}/api/charts`, { method: 'POST', body: new Uint8Array(data) }).then(
    (res) => res.status,
    () => -1,
  );
}

/** Every entry of a replica's index has its archive, and the archive's digest is the entry's. */
async function consistent(r: Replica): Promise<number> {
  const idx = await index(r);
  let n = 0;
  for (const [name, list] of Object.entries(idx)) {
    for (const e of list) {
      const res = await fetch(`${r.url}/charts/${name}-${e.version}.tgz`);
      expect(res.status).toBe(200);
      expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(e.digest);
      n++;
    }
  }
  return n;
}

beforeAll(async () => {
  bucket = await freshBucket('replicas');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});
afterAll(() => tmp.cleanup());

describe('replicas on one bucket', () => {
  it('shows a publish or delete through one replica in the others within 5 s', async () => {
    const [a, b, c] = await Promise.all([replica(), replica(), replica()]);
    const chart = packagedChart(tmp.dir, 'spread', '1.0.0');
    expect(await publish(a, chart.data)).toBe(201);
    const tookB = await waitFor(() => has(b, 'spread', '1.0.0'), 5000, 'replica b to see the publish');
    const tookC = await waitFor(() => has(c, 'spread', '1.0.0'), 5000, 'replica c to see the publish');
    expect(Math.max(tookB, tookC)).toBeLessThan(5000);
    const del = await fetch(`${c.url}/api/charts/spread/1.0.0`, { method: 'DELETE' });
    expect(await del.json()).toEqual({ deleted: true });
    await waitFor(async () => !(await has(a, 'spread', '1.0.0')), 5000, 'replica a to see the delete');
    await waitFor(async () => !(await has(b, 'spread', '1.0.0')), 5000, 'replica b to see the delete');
  });

  it('loses nothing when replicas publish different charts at the same time', async () => {
    const reps = await Promise.all([replica(), replica(), replica()]);
    const charts = Array.from({ length: 24 }, (_, i) => packagedChart(tmp.dir, `many${i}`, '1.0.0'));
    const statuses = await Promise.all(charts.map((c, i) => publish(reps[i % reps.length], c.data)));
    expect(statuses.every((s) => s === 201)).toBe(true);
    for (const r of reps) {
      await waitFor(async () => Object.keys(await index(r)).filter((n) => n.startsWith('many')).length === charts.length, 5000, 'every chart in every replica');
    }
  });

  it('gives exactly one 201 when replicas race to publish the same version', async () => {
    const reps = await Promise.all([replica(), replica(), replica()]);
    for (let round = 0; round < 3; round++) {
      const variants = Array.from({ length: 9 }, (_, i) => packagedChart(tmp.dir, `race${round}`, '1.0.0', { 'README.md': `variant ${i}\n` }));
      const statuses = await Promise.all(variants.map((v, i) => publish(reps[i % reps.length], v.data)));
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
      const winner = variants[statuses.indexOf(201)];
      const digest = createHash('sha256').update(winner.data).digest('hex');
      for (const r of reps) {
        await waitFor(() => has(r, `race${round}`, '1.0.0'), 5000, 'the winner everywhere');
        expect((await index(r))[`race${round}`][0].digest).toBe(digest);
      }
    }
  });

  it('leaves no half chart in any index when a replica is killed mid-publish, and a restart rebuilds from storage', async () => {
    const [a, victim] = await Promise.all([replica(), replica()]);
    const charts = Array.from({ length: 40 }, (_, i) => packagedChart(tmp.dir, `crash${i}`, '2.0.0'));
    // Kill the replica as soon as the first publish is acknowledged, with the others still in flight.
    let killed = false;
    const inflight = charts.map((c) =>
      publish(victim, c.data).then((status) => {
        if (!killed && status === 201) {
          killed = true;
          victim.proc.kill('SIGKILL');
        }
        return status;
      }),
    );
    const statuses = await Promise.all(inflight);
    const acknowledged = charts.filter((_, i) => statuses[i] === 201).length;
    expect(statuses.filter((s) => s === -1).length).toBeGreaterThan(0);
    // The surviving replica lists every acknowledged publish once its periodic sync (1 s) has run.
    await waitFor(async () => { const idx = await index(a); return statuses.every((s, i) => s !== 201 || (idx[`crash${i}`] ?? []).some((e) => e.version === '2.0.0')); }, 10_000, 'replica a to list every acknowledged publish');
    const fresh = await replica();
    for (const r of [a, fresh]) {
      const n = await consistent(r);
      const crashed = Object.keys(await index(r)).filter((k) => k.startsWith('crash')).length;
      expect(crashed).toBeGreaterThanOrEqual(acknowledged);
      expect(n).toBeGreaterThanOrEqual(crashed);
    }
    // A version whose publish was cut off can be published again.
    const lost = charts.findIndex((_, i) => statuses[i] !== 201);
    const retry = await publish(fresh, charts[lost].data);
    expect([201, 409]).toContain(retry);
    // Everything known now, a replica started from nothing but storage knows too.
    const before = await index(fresh);
    const rebuilt = await replica();
    expect(await index(rebuilt)).toEqual(before);
  });
});
