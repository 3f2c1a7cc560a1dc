import type { Command } from 'commander';
import { context } from '../context.js';
import { formatTable, runCommand, writeOut, type OutputFormat } from '../output.js';

export function register(program: Command): void {
  const search = program.command('search').description('search charts');
  search
    .command('repo')
    .description('search the configured repositories (their cached indexes)')
    .argument('[keyword]')
    .option('-l, --versions', 'every version, not only the newest')
    .option('--version <range>', 'only versions in this range')
    .option('--devel', 'include prereleases')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((keyword: string | undefined, flags: { versions?: boolean; version?: string; devel?: boolean; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { searchRepos } = await import('../../core/actions/search.js');
          const hits = searchRepos(context(), { keyword, versions: flags.versions, version: flags.version, devel: flags.devel });
          if (flags.output === 'json') return writeOut(JSON.stringify(hits.map((h) => ({ name: h.name, version: h.version, app_version: h.appVersion, description: h.description }))) + '\n');
          if (flags.output === 'yaml') {
            const { default: jsyaml } = await import('js-yaml');
            return writeOut(jsyaml.dump(hits.map((h) => ({ name: h.name, version: h.version, app_version: h.appVersion, description: h.description }))));
          }
          if (hits.length === 0) return writeOut('No results found\n');
          const rows = [['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], ...hits.map((h) => [h.name, h.version, h.appVersion, h.description.length > 50 ? h.description.slice(0, 47) + '...' : h.description])];
          writeOut(formatTable(rows));
        },
        () => flags.output,
      ),
    );
}
