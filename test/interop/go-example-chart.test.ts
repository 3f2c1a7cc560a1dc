import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const WORKER = join(process.cwd(), 'charts', 'worker');

/** The example Go-template chart (charts/worker) renders byte for byte as helm renders it. */
describe('charts/worker (Go templates) with chart and with helm', () => {
  it.each([
    ['defaults', [] as string[]],
    ['autoscaled, no metrics, extra env', ['--set', 'autoscaling.enabled=true,metricsPort=null,env.log-format=json,env.workers=3']],
    ['one pod, values file', ['-f', 'one.yaml']],
  ])('%s', async (_name, flags) => {
    writeFileSync(join(tmp.dir, 'one.yaml'), 'replicaCount: 1\nqueues: [{name: only, threads: 8}]\nconfig: {logLevel: debug, extra: [a, b]}\nserviceAccount: {create: false}\nnodeSelector: {pool: workers}\n');
    const args = ['template', 'rel', WORKER, '--kube-version', '1.30.0', ...flags];
    const theirs = await helm(args, { cwd: tmp.dir });
    const ours = await chartCli(args, { cwd: tmp.dir });
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(ours.stdout).toContain('kind: Deployment');
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('lints clean with both', async () => {
    const ours = await chartCli(['lint', WORKER, '--strict']);
    expect(ours.code).toBe(0);
    const theirs = await helm(['lint', WORKER, '--strict']);
    expect(theirs.stdout).toContain('0 chart(s) failed');
  });
});
