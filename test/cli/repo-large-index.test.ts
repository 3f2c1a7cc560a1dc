import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createServer } from 'node:http';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { parseIndex } from '../../core/repo/index-file.js';
import { indexYamlToJson } from '../../core/repo/index-json-fast.js';
import { quickChartYaml, readArchivesForIndex, type ArchiveForIndex } from '../../core/repo/index-archives.js';
import { readChartArchive, writeChartArchive } from '../../core/chart/archive.js';
import { helm } from '../support/helm.js';
import { chartCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (e.name === name) return p;
  }
  return undefined;
}

describe('a large index.yaml', () => {
  it('is cached as exactly what parseIndex reads from it, and searched from the cache', async () => {
    // Over the size at which `repo update` converts the YAML to the cached JSON directly.
    const entries: Record<string, unknown[]> = {};
    for (let n = 0; n < 250; n++) {
      const versions = [3, 10, 1, 2, 0, 11, 5, 4, 9, 8, 7, 6].map((v) => ({
        apiVersion: 'v2', name: `chart-${n}`, version: `${v}.0.0`, appVersion: `${v}.0`, description: `Chart ${n}: "quoted", it's`, created: '2024-01-01T00:00:00Z',
        digest: `${n}`.padStart(64, 'f'), urls: [`https://charts.example.com/chart-${n}-${v}.0.0.tgz`], keywords: ['a', 'yes'], maintainers: [{ name: 'M', email: 'm@example.com' }],
        ...(n % 7 === 0 ? { annotations: { 'artifacthub.io/changes': '- kind: added\n  description: x\n' } } : {}),
      }));
      entries[`chart-${n}`] = versions;
    }
    const text = jsyaml.dump({ apiVersion: 'v1', entries, generated: '2024-01-01T00:00:00Z' }, { lineWidth: -1, noRefs: true });
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const server = createServer((req, res) => (req.url === '/index.yaml' ? res.end(text) : res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const env = { CHARTROOM_CONFIG_DIR: join(tmp.dir, 'c'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'k') };
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const add = await chartCli(['repo', 'add', 'big', url], { env });
      expect(add.stderr).toBe('');
      expect(add.stdout).toMatch(/250 charts/);
      const upd = await chartCli(['repo', 'update', 'big'], { env });
      expect(upd.stdout).toMatch(/250 charts/);
      const cached = JSON.parse(readFileSync(findFile(join(tmp.dir, 'k'), 'big-index.json')!, 'utf8'));
      const idx = parseIndex(text, 'index.yaml');
      expect(cached).toEqual(JSON.parse(JSON.stringify({ apiVersion: idx.apiVersion, generated: idx.generated, entries: idx.entries })));
      const hits = JSON.parse((await chartCli(['search', 'repo', 'chart-7', '--versions', '-o', 'json'], { env })).stdout);
      expect(hits.filter((h: { name: string }) => h.name === 'big/chart-7').map((h: { version: string }) => h.version)).toEqual(
        [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((v) => `${v}.0.0`),
      );
    } finally {
      server.close();
    }
  });
});

describe('what the real helm writes', () => {
  it('reads archives helm packaged through the plain-header path, as readChartArchive reads them', async () => {
    const src = join(tmp.dir, 'src');
    mkdirSync(src, { recursive: true });
    await helm(['create', join(src, 'made-by-helm')]);
    await helm(['package', join(src, 'made-by-helm'), '-d', join(tmp.dir, 'pkg')]);
    const p = join(tmp.dir, 'pkg', 'made-by-helm-0.1.0.tgz');
    const data = readFileSync(p);
    expect(quickChartYaml(gunzipSync(data))).toBeDefined();
    const got: ArchiveForIndex[] = [];
    readArchivesForIndex([p, p], (a) => got.push(a));
    const want = readChartArchive(data, p, undefined, { onlyChartYaml: true });
    for (const a of got) {
      expect(a.topDir).toBe(want.topDir);
      expect(a.chartYaml.toString()).toBe(want.files.find((f) => f.name === 'Chart.yaml')!.data.toString());
    }
  });

  it('converts an index helm wrote to what parseIndex reads from it', async () => {
    const charts = join(tmp.dir, 'charts');
    mkdirSync(charts, { recursive: true });
    for (const [name, v, extra] of [['web', '1.0.0', 'description: A "web" chart\nkeywords:\n  - http\nmaintainers:\n  - name: Me\n    email: me@example.com\n'], ['web', '1.2.0-rc.1', 'appVersion: "1.10"\n'], ['db', '0.1.0', 'annotations:\n  artifacthub.io/changes: |\n    - fixed\n    - added\n']]) {
      const data = writeChartArchive(name, [{ name: 'Chart.yaml', data: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${v}\n${extra}`) }, { name: 'values.yaml', data: Buffer.from('') }], { mtime: new Date(0) });
      writeFileSync(join(charts, `${name}-${v}.tgz`), data);
    }
    await helm(['repo', 'index', charts, '--url', 'https://charts.example.com']);
    const text = readFileSync(join(charts, 'index.yaml'), 'utf8');
    const fast = indexYamlToJson(text);
    expect(fast).toBeDefined();
    const idx = parseIndex(text, 'index.yaml');
    expect(JSON.stringify(JSON.parse(fast!.pieces.join('')))).toBe(JSON.stringify({ apiVersion: idx.apiVersion, generated: idx.generated ?? '', entries: idx.entries }));
  });
});
