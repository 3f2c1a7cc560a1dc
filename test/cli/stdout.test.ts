import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { CHART_BIN, TEST_CACHE_DIR, chartCli } from '../support/cli.js';
import { writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// About 2 MB of manifests: far more than a pipe holds, so the writer meets a reader that has gone.
const big = writeChart(tmp.dir, 'big', {
  'Chart.yaml': 'apiVersion: v2\nname: big\nversion: 0.1.0\n',
  'templates/cms.yaml': '{{- range $i := until 4000 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ $i }}\ndata:\n  text: {{ repeat 400 "x" | quote }}\n{{- end }}\n',
});

describe('stdout', () => {
  it('prints all of a large render through a pipe', async () => {
    const r = await chartCli(['template', 'rel', big]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.match(/^kind: ConfigMap$/gm)).toHaveLength(4000);
    expect(r.stdout.length).toBeGreaterThan(1_800_000);
  });

  it('a reader that stops early (`| head -1`) ends the run quietly with 141, as helm ends by SIGPIPE', async () => {
    const child = spawn(process.execPath, [CHART_BIN, 'template', 'rel', big], { env: { ...process.env, CHARTROOM_CACHE_DIR: TEST_CACHE_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let first = '';
    child.stdout.once('data', (d) => {
      first = String(d);
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toMatch(/^---\n# Source: big\/templates\/cms\.yaml\n/);
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('a non-blocking pipe that fills up (EAGAIN) is finished through Node’s stream: nothing is lost', async () => {
    // Opening fd 1 as a socket makes it non-blocking (libuv), as a parent sharing the pipe may have done.
    const wrapper = `new (require('node:net').Socket)({ fd: 1, readable: false, writable: true }).unref(); process.argv = [process.argv[0], ${JSON.stringify(CHART_BIN)}, 'template', 'rel', ${JSON.stringify(big)}]; require(${JSON.stringify(CHART_BIN)});`;
    const child = spawn(process.execPath, ['-e', wrapper], { env: { ...process.env, CHARTROOM_CACHE_DIR: TEST_CACHE_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    // Read nothing for a while, so the pipe fills and the write would block.
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 300));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const out = Buffer.concat(chunks).toString('utf8');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(out.match(/^kind: ConfigMap$/gm)).toHaveLength(4000);
    expect(out.endsWith(`  name: cm-3999\ndata:\n  text: "${'x'.repeat(400)}"\n`)).toBe(true);
  });

  it('notes on stderr print through the file descriptor too, after what stdout printed before them', async () => {
    const example = `${process.cwd()}/charts/webapp`;
    const r = await chartCli(['show', 'chart', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: v2\n/);
    expect(r.stderr).toBe("note: this chart's templates are Handlebars (engine: handlebars): render it with chart, not helm\n");
  });

  it('stderr closed by the reader does not fail the run (nobody is left to tell)', async () => {
    const child = spawn(process.execPath, [CHART_BIN, 'show', 'chart', `${process.cwd()}/charts/webapp`], { env: { ...process.env, CHARTROOM_CACHE_DIR: TEST_CACHE_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.destroy();
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^apiVersion: v2\n/);
  });

  it('`--version` and help still print (commander writes through the same path)', async () => {
    const v = await chartCli(['--version']);
    expect(v).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
    const h = await chartCli(['template', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: chart template /);
  });
});
