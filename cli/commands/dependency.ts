import type { Command } from 'commander';
import { context } from '../context.js';
import { formatTable, runCommand, writeOut, type OutputFormat } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';
import { addVerifyFlags, verifyKeyring, type VerifyFlags } from '../verify-flags.js';

export function register(program: Command): void {
  const dep = program.command('dependency').alias('dep').description("manage a chart's dependencies");
  addVerifyFlags(addRegistryFlags(dep.command('update')))
    .alias('up')
    .description('resolve the ranges in Chart.yaml, download into charts/ and write Chart.lock')
    .argument('[chart]', 'chart folder', '.')
    .option('--keep-locked', 'keep locked versions that still satisfy the ranges')
    .option('--offline', 'use only cached indexes and archives')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((chart: string, flags: VerifyFlags & { keepLocked?: boolean; offline?: boolean; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { dependencyUpdate } = await import('../../core/actions/dependency.js');
          const r = await dependencyUpdate(context(), { chart, keepLocked: flags.keepLocked, offline: flags.offline, verifyKeyring: verifyKeyring(flags) });
          if (flags.output === 'json') return writeOut(JSON.stringify(r) + '\n');
          for (const d of r.locked) writeOut(`${d.name} ${d.version} from ${d.repository}\n`);
          writeOut(`Saved ${r.locked.length} dependencies in charts/ and Chart.lock (${r.downloaded} downloaded)\n`);
        },
        () => flags.output,
      ),
    );
  addVerifyFlags(addRegistryFlags(dep.command('build')))
    .description('rebuild charts/ from Chart.lock (no network when charts/ already matches)')
    .argument('[chart]', 'chart folder', '.')
    .option('--offline', 'use only cached archives')
    .action((chart: string, flags: VerifyFlags & { offline?: boolean }) =>
      runCommand(async () => {
        const { dependencyBuild } = await import('../../core/actions/dependency.js');
        const r = await dependencyBuild(context(), { chart, offline: flags.offline, verifyKeyring: verifyKeyring(flags) });
        writeOut(`charts/ matches Chart.lock: ${r.locked.length} dependencies (${r.downloaded} downloaded)\n`);
      }),
    );
  dep
    .command('list')
    .alias('ls')
    .description("list a chart's dependencies and whether charts/ has them")
    .argument('[chart]', 'chart folder', '.')
    .option('-o, --output <format>', 'table or json', 'table')
    .action((chart: string, flags: { output: OutputFormat }) =>
      runCommand(async () => {
        const { dependencyList } = await import('../../core/actions/dependency.js');
        const list = dependencyList(context(), chart);
        if (flags.output === 'json') return writeOut(JSON.stringify(list) + '\n');
        writeOut(formatTable([['NAME', 'VERSION', 'REPOSITORY', 'STATUS'], ...list.map((d) => [d.name, d.version, d.repository, d.status])]));
      }),
    );
}
