import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

/**
 * Deleting the last version of a chart leaves nothing behind in local storage, whichever API deleted it: not
 * its blobs, not its record, not the chart page's model the web UI kept in the store, and no empty folder.
 * Only the store's own working folders (.tmp, .locks) stay. A version replaced with ?force leaves only the
 * new bytes' model.
 */
const tmp = tempDir();
const storageDir = join(tmp.dir, 'storage');
let reg: RunningRegistry;

function chart(name: string, version: string, readme: string): Buffer {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: a web server\n`,
    'values.yaml': 'replicas: 2\n',
    'README.md': readme,
    'templates/cm.yaml': 'kind: ConfigMap\n',
  };
  return writeChartArchive(name, Object.entries(files).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

/** Every file and folder under the storage folder (folders end in "/"), but the store's working folders. */
function tree(dir = storageDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    const rel = relative(storageDir, path);
    if (dir === storageDir && (d.name === '.tmp' || d.name === '.locks')) return [];
    return d.isDirectory() ? [`${rel}/`, ...tree(path)] : [rel];
  });
}

const models = () => tree().filter((p) => p.startsWith('ui/models/') && p.endsWith('.json'));

const publish = (path: string, body: Buffer) => fetch(`${reg.url}${path}`, { method: 'POST', body: new Uint8Array(body), headers: { 'Content-Type': 'application/gzip' } });

/** Views a version's chart page, and waits for the page model the registry then writes to the store. */
async function viewPage(pagePath: string): Promise<void> {
  const before = models().length;
  const res = await fetch(`${reg.url}${pagePath}`);
  expect(res.status).toBe(200);
  await res.text();
  await waitFor(() => models().length > before, { timeoutMs: 10_000, intervalMs: 20, what: `the stored page model of ${pagePath}` });
}

beforeAll(async () => {
  reg = await startTestRegistry({ storageDir, allowAnonymousWrite: true });
});

afterAll(async () => {
  await reg?.close();
  tmp.cleanup();
});

describe('deleting the last version of a chart', () => {
  it('through the ChartMuseum API leaves an empty store, page model included', async () => {
    expect((await publish('/api/charts', chart('web', '1.0.0', '# Web\n'))).status).toBe(201);
    await viewPage('/ui/charts/web/1.0.0');
    expect(models()).toHaveLength(1);
    const del = await fetch(`${reg.url}/api/charts/web/1.0.0`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(tree()).toEqual([]);
  });

  it('in a named repository leaves no folder of the repository behind', async () => {
    expect((await publish('/api/team/charts', chart('api', '2.0.0', '# API\n'))).status).toBe(201);
    await viewPage('/ui/r/team/charts/api/2.0.0');
    expect(tree()).toEqual(expect.arrayContaining(['repos/team/', 'index/team/']));
    expect((await fetch(`${reg.url}/api/team/charts/api/2.0.0`, { method: 'DELETE' })).status).toBe(200);
    expect(tree()).toEqual([]);
  });

  it('through the OCI API (DELETE of the manifest) leaves an empty store', async () => {
    expect((await publish('/api/charts', chart('oci', '0.3.0', '# OCI\n'))).status).toBe(201);
    await viewPage('/ui/charts/oci/0.3.0');
    const head = await fetch(`${reg.url}/v2/oci/manifests/0.3.0`, { method: 'HEAD' });
    const digest = head.headers.get('docker-content-digest');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await fetch(`${reg.url}/v2/oci/manifests/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect(tree()).toEqual([]);
  });

  it('after a forced replacement, keeps only the model of the bytes now served, and then nothing', async () => {
    expect((await publish('/api/charts', chart('web', '1.1.0', '# First\n'))).status).toBe(201);
    await viewPage('/ui/charts/web/1.1.0');
    expect((await publish('/api/charts?force', chart('web', '1.1.0', '# Second\n'))).status).toBe(201);
    expect(models()).toEqual([]);
    await viewPage('/ui/charts/web/1.1.0');
    expect(models()).toHaveLength(1);
    expect((await fetch(`${reg.url}/api/charts/web/1.1.0`, { method: 'DELETE' })).status).toBe(200);
    expect(tree()).toEqual([]);
  });
});
