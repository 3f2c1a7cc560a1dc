import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeErr, writeOut } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';

export function register(program: Command): void {
  const show = program.command('show').alias('inspect').description("show a chart's Chart.yaml, values, README or CRDs");
  for (const [what, desc] of [
    ['chart', "the chart's Chart.yaml"],
    ['values', "the chart's values.yaml"],
    ['readme', "the chart's README"],
    ['crds', "the chart's CRDs"],
    ['all', 'all of the above'],
  ] as const) {
    addRegistryFlags(show.command(what))
      .description(`show ${desc}`)
      .argument('<chart>', 'chart folder, .tgz, or REPO/NAME')
      .option('--version <range>', 'with REPO/NAME: the version or range')
      .option('-o, --output <format>', 'text, or json (chart only)', 'text')
      .action((chart: string, flags: { output: string; version?: string }) =>
        runCommand(async () => {
          const { showChart } = await import('../../core/actions/show.js');
          const result = await showChart(context(), { chart, version: flags.version, what });
          if (flags.output === 'json' && what === 'chart') writeOut(JSON.stringify(result.metadata, null, 2) + '\n');
          else writeOut(result.text);
          // On stderr, so that stdout stays what helm prints (`chart show chart web | yq` works).
          if ((what === 'chart' || what === 'all') && result.engineNote) writeErr(result.engineNote + '\n');
        }),
      );
  }
}
