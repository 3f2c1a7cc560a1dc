// Start-up: `chart --version` against `helm version`, median of RUNS.
import { CHART, benchEnv, helmBinary, measure, report, RUNS } from './lib.mjs';

export function run() {
  const helm = helmBinary();
  const ours = measure(process.execPath, [CHART, '--version'], { runs: RUNS, env: benchEnv() });
  const theirs = measure(helm, ['version', '--short'], { runs: RUNS, env: benchEnv() });
  return report('startup (chart --version vs helm version)', ours, theirs, 1.0);
}
if (import.meta.url === `file://${process.argv[1]}`) run();
