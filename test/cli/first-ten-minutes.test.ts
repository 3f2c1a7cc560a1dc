import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/*
 * What a new user runs into first: mistyped paths, a folder that is not a chart, an output folder that cannot
 * be. Each answer is a sentence naming the file, never a bare ENOENT, and comes at once.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/**
 * The CLI's answer for a mistake: exit 1, `PATH: sentence` (on stderr; lint reports in its listing on stdout, as
 * helm does) with a hint, and no raw error code or stack.
 */
async function refused(args: string[], sentence: string) {
  const r = await chartCli(args);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain(sentence);
  expect(out).not.toMatch(/\b(ENOENT|EISDIR|EACCES|ENOTDIR|EEXIST)\b/);
  expect(out).not.toMatch(/^\s+at /m);
  return { ...r, out };
}

describe('files that are not there, or not files', () => {
  it('a values file (-f) that does not exist, or is a folder', async () => {
    const missing = join(tmp.dir, 'prod.yaml');
    await refused(['template', 'x', 'charts/webapp', '-f', missing], `Error: ${missing}: values file does not exist`);
    await refused(['template', 'x', 'charts/webapp', '-f', tmp.dir], `Error: ${tmp.dir}: values file is a folder, not a file`);
  });

  it('a file given to --set-file that does not exist', async () => {
    const missing = join(tmp.dir, 'cert.pem');
    await refused(['template', 'x', 'charts/webapp', '--set-file', `tls.cert=${missing}`], `Error: ${missing}: file given to --set-file does not exist`);
  });

  it('a chart path that does not exist', async () => {
    await refused(['template', 'x', join(tmp.dir, 'nochart')], 'no chart at');
  });
});

describe('a folder that is not a chart', () => {
  // A big tree with a link out of it deep inside: the answer must come from the missing Chart.yaml, not a walk.
  const tree = join(tmp.dir, 'tree');
  mkdirSync(join(tree, 'a', 'b', 'c'), { recursive: true });
  for (let i = 0; i < 50; i++) writeFileSync(join(tree, 'a', `f${i}.txt`), 'x');

  it.each([
    ['package', ['package', tree, '-d', join(tmp.dir, 'out')]],
    ['lint', ['lint', tree]],
    ['template', ['template', 'x', tree]],
    ['show chart', ['show', 'chart', tree]],
  ])('%s says there is no Chart.yaml', async (_name, args) => {
    const r = await refused(args, `${tree}: no Chart.yaml (not a chart folder)`);
    expect(r.out).toContain('chart create NAME');
  });

  it('chart package /etc answers at once, without walking /etc', async () => {
    const start = Date.now();
    await refused(['package', '/etc', '-d', join(tmp.dir, 'etc-out')], '/etc: no Chart.yaml (not a chart folder)');
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(existsSync(join(tmp.dir, 'etc-out'))).toBe(false);
  });
});

describe('output folders', () => {
  it('package -d naming a file says so', async () => {
    const file = join(tmp.dir, 'afile');
    writeFileSync(file, 'x');
    await refused(['package', 'charts/webapp', '-d', file], 'output folder is not a folder');
  });

  // Node 20's recursive mkdir spins forever for a folder under /proc; these must fail, and quickly.
  it('package -d and template --output-dir under /proc fail instead of hanging', async () => {
    const out = join(tmp.dir, 'proc-check');
    mkdirSync(out);
    const p = await chartCli(['package', 'charts/webapp', '-d', '/proc/chartroom-nope/x']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('/proc/chartroom-nope');
    const t = await chartCli(['template', 'x', 'charts/webapp', '--output-dir', '/proc/chartroom-nope/x']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('/proc/chartroom-nope');
    expect(readdirSync(out)).toEqual([]);
  }, 30_000);
});
