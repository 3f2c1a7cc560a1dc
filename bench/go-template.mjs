// chart template vs helm template on Go-template charts: helm create's scaffold, a 200-template chart (the Go
// twin of the big-chart benchmark's), and the public charts of the corpus (../shared/corpus, or
// CHARTROOM_CORPUS_DIR). Goal: <= 1.0x helm each.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateBigCharts } from './generate.mjs';
import { benchEnv, CHART, execFileSync, freshDir, helmBinary, measure, report, ROOT, RUNS } from './lib.mjs';

export function run() {
  const work = freshDir('go-template');
  const helm = helmBinary();
  const env = benchEnv({ HOME: work, HELM_CACHE_HOME: join(work, 'hc'), HELM_CONFIG_HOME: join(work, 'hf'), HELM_DATA_HOME: join(work, 'hd'), CHARTROOM_CACHE_DIR: join(work, 'cache') });
  execFileSync(helm, ['create', 'scaffold'], { cwd: work, env });
  const corpus = process.env.CHARTROOM_CORPUS_DIR ?? resolve(ROOT, '..', 'shared', 'corpus');
  const big = generateBigCharts(join(work, 'big'), 200).helm;
  const charts = [['scaffold', join(work, 'scaffold'), []], ['200 templates', big, []], ...['ingress-nginx', 'cert-manager', 'grafana'].filter((c) => existsSync(join(corpus, c))).map((c) => [c, join(corpus, c), c === 'grafana' ? ['--set', 'adminPassword=x'] : []])];
  const out = [];
  for (const [name, dir, extra] of charts) {
    const args = ['template', 'rel', dir, '--kube-version', '1.30.0', ...extra];
    const ours = measure(process.execPath, [CHART, ...args], { runs: RUNS, env });
    const theirs = measure(helm, args, { runs: RUNS, env });
    out.push(report(`template ${name} (Go templates)`, ours, theirs, 1.0));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) run();
