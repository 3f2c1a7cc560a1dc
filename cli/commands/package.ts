import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';

interface Flags {
  destination?: string;
  version?: string;
  appVersion?: string;
  output: OutputFormat;
}

export function register(program: Command): void {
  program
    .command('package')
    .description('package chart folders into versioned .tgz archives (reproducible: SOURCE_DATE_EPOCH is honoured)')
    .argument('<charts...>', 'chart folders')
    .option('-d, --destination <dir>', 'where to write the archives', '.')
    .option('--version <version>', "set the chart's version")
    .option('--app-version <version>', "set the chart's appVersion")
    .option('-o, --output <format>', 'text or json', 'text')
    .action((charts: string[], flags: Flags) =>
      runCommand(
        async () => {
          const { packageChart } = await import('../../core/actions/package.js');
          const results = charts.map((path) => packageChart(context(), { path, destination: flags.destination, version: flags.version, appVersion: flags.appVersion }));
          if (flags.output === 'json') writeOut(JSON.stringify(results, null, 2) + '\n');
          else for (const r of results) writeOut(`Successfully packaged chart and saved it to: ${r.file}\n`);
        },
        () => flags.output,
      ),
    );
}
