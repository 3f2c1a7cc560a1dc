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
