// The 200-template chart: template, package and lint, each against helm on the same chart.
import { join } from 'node:path';
import { generateBigCharts } from './generate.mjs';
import { CHART, benchEnv, freshDir, helmBinary, measure, report, RUNS } from './lib.mjs';

export function run() {
  const helm = helmBinary();
  const dir = freshDir('big');
  const charts = generateBigCharts(dir, 200);
  const out = join(dir, 'out');
  const results = [];
  const t = () => [measure(process.execPath, [CHART, 'template', 'rel', charts.ours], { runs: RUNS, env: benchEnv() }), measure(helm, ['template', 'rel', charts.helm], { runs: RUNS, env: benchEnv() })];
  let [ours, theirs] = t();
  results.push(report('template 200 templates (warm caches)', ours, theirs, 1.0));
  ours = measure(process.execPath, [CHART, 'template', 'rel', charts.ours], { runs: RUNS, env: benchEnv({ CHARTROOM_NO_CACHE: '1' }) });
  results.push(report('template 200 templates (no caches)', ours, theirs, 1.0));
  ours = measure(process.execPath, [CHART, 'package', charts.ours, '-d', join(out, 'ours')], { runs: RUNS, env: benchEnv() });
  theirs = measure(helm, ['package', charts.helm, '-d', join(out, 'helm')], { runs: RUNS, env: benchEnv() });
  results.push(report('package 200 templates', ours, theirs, 1.0));
  ours = measure(process.execPath, [CHART, 'lint', charts.ours], { runs: RUNS, env: benchEnv() });
  theirs = measure(helm, ['lint', charts.helm], { runs: RUNS, env: benchEnv() });
  results.push(report('lint 200 templates', ours, theirs, 0.5));
  return results;
}
if (import.meta.url === `file://${process.argv[1]}`) run();
