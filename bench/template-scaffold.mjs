// `template` of the create scaffold: chart create's chart against helm create's, same values and release.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CHART, benchEnv, freshDir, helmBinary, measure, report, RUNS } from './lib.mjs';

export function run() {
  const helm = helmBinary();
  const dir = freshDir('scaffold');
  execFileSync(process.execPath, [CHART, 'create', join(dir, 'ours', 'app')]);
  execFileSync(helm, ['create', 'app'], { cwd: dir, env: benchEnv({ HOME: dir }) });
  const results = [];
  const ours = measure(process.execPath, [CHART, 'template', 'rel', join(dir, 'ours', 'app')], { runs: RUNS, env: benchEnv() });
  const theirs = measure(helm, ['template', 'rel', join(dir, 'app')], { runs: RUNS, env: benchEnv() });
  results.push(report('template scaffold (warm caches)', ours, theirs, 1.0));
  const cold = measure(process.execPath, [CHART, 'template', 'rel', join(dir, 'ours', 'app')], { runs: RUNS, env: benchEnv({ CHARTROOM_NO_CACHE: '1' }) });
  results.push(report('template scaffold (no caches)', cold, theirs, 1.0));
  return results;
}
if (import.meta.url === `file://${process.argv[1]}`) run();
