import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('index.json repositories', () => {
  it('adds and searches a repository that publishes only index.json', async () => {
    const index = { apiVersion: 'v1', entries: { only: [{ name: 'only', version: '1.0.0', urls: ['only-1.0.0.tgz'], description: 'json only' }, { name: 'only', version: '1.2.0', urls: ['only-1.2.0.tgz'] }] } };
    const server = createServer((req, res) => (req.url === '/index.json' ? res.end(JSON.stringify(index)) : res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const env = { CHARTROOM_CONFIG_DIR: join(tmp.dir, 'c'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'k') };
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const add = await chartCli(['repo', 'add', 'js', url], { env });
      expect(add.stderr).toBe('');
      const hits = JSON.parse((await chartCli(['search', 'repo', 'only', '--versions', '-o', 'json'], { env })).stdout);
      expect(hits.map((h: { version: string }) => h.version)).toEqual(['1.2.0', '1.0.0']);
    } finally {
      server.close();
    }
  });
});

describe('global folders', () => {
  it('takes --config-dir and --cache-dir before the command', async () => {
    const cfg = join(tmp.dir, 'flagcfg');
    const r = await chartCli(['--config-dir', cfg, '--cache-dir', join(tmp.dir, 'flagcache'), 'repo', 'add', 'x', 'http://127.0.0.1:9/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/repository x: cannot reach http:\/\/127.0.0.1:9\/index.yaml/);
    const listed = await chartCli(['--config-dir', cfg, 'repo', 'list', '-o', 'json']);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});

describe('chart repo index --merge', () => {
  it('keeps the entries of the old index and adds the new archives with the given URL', async () => {
    const { packageChart } = await import('../../core/actions/package.js');
    const { contextIn } = await import('../support/context.js');
    const { writeChart } = await import('../support/charts.js');
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const src = writeChart(tmp.dir, 'merged', { 'Chart.yaml': 'apiVersion: v2\nname: merged\nversion: 1.0.0\n' });
    packageChart(contextIn(tmp.dir), { path: src, destination: join(tmp.dir, 'a') });
    packageChart(contextIn(tmp.dir), { path: src, destination: join(tmp.dir, 'b'), version: '2.0.0' });
    expect((await chartCli(['repo', 'index', join(tmp.dir, 'a'), '--url', 'https://old.example.com'])).code).toBe(0);
    const r = await chartCli(['repo', 'index', join(tmp.dir, 'b'), '--url', 'https://new.example.com/', '--merge', join(tmp.dir, 'a', 'index.yaml')]);
    expect(r.stdout).toMatch(/1 charts, 2 versions/);
    const idx = parse(readFileSync(join(tmp.dir, 'b', 'index.yaml'), 'utf8'));
    expect(idx.entries.merged.map((e: { version: string; urls: string[] }) => [e.version, e.urls[0]])).toEqual([
      ['2.0.0', 'https://new.example.com/merged-2.0.0.tgz'],
      ['1.0.0', 'https://old.example.com/merged-1.0.0.tgz'],
    ]);
  });
});
