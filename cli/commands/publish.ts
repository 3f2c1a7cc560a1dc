import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';

export function register(program: Command): void {
  addRegistryFlags(program.command('publish'))
    .description('publish a chart (folder or .tgz) to Chartroom or any ChartMuseum-compatible registry')
    .argument('<chart>')
    .requiredOption('--repo <name|url>', 'a configured repository, or a registry URL')
    .option('--force', 'replace an existing version where the registry allows it')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((chart: string, flags: { repo: string; force?: boolean; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { publishChart } = await import('../../core/actions/publish.js');
          const r = await publishChart(context(), { chart, repo: flags.repo, force: flags.force });
          if (flags.output === 'json') writeOut(JSON.stringify(r) + '\n');
          else writeOut(`Published ${r.name} ${r.version} (sha256:${r.digest})${r.prov ? ' with its provenance file' : ''} to ${r.url}\n`);
        },
        () => flags.output,
      ),
    );
}
