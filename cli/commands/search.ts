import { InvalidArgumentError, Option, type Command } from 'commander';
import { context } from '../context.js';
import { jsYaml } from '../../core/yaml.js';
import { formatTable, runCommand, writeErr, writeOut, type OutputFormat } from '../output.js';

/** Text from a server, made safe for a terminal: control characters (escape sequences, new lines) become spaces. */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** A whole number from 1, for --max and --page-size. */
function positive(flag: string) {
  return (v: string): number => {
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${flag} must be a whole number from 1`);
    return Number(v);
  };
}

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
            const jsyaml = jsYaml();
            return writeOut(jsyaml.dump(hits.map((h) => ({ name: h.name, version: h.version, app_version: h.appVersion, description: h.description }))));
          }
          if (hits.length === 0) return writeOut('No results found\n');
          const rows = [['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], ...hits.map((h) => [h.name, h.version, h.appVersion, h.description.length > 50 ? h.description.slice(0, 47) + '...' : h.description])];
          writeOut(formatTable(rows));
        },
        () => flags.output,
      ),
    );

  search
    .command('registry')
    .description("search a Chartroom registry's charts through its search API (names, descriptions, keywords, maintainers)")
    .argument('[query]', 'words that must all match; none: every chart')
    .requiredOption('--registry <url|name>', 'the registry: its URL, or the name of a repository added with chart repo add (its credentials are used)')
    .option('--repo <name>', "only this repository of the registry ('/' for its root repository)")
    .option('--deprecated', 'only deprecated charts')
    .option('--no-deprecated', 'leave deprecated charts out')
    .addOption(new Option('--type <type>', 'only charts of this type').choices(['application', 'library']))
    .option('--max <n>', 'most results, following pages as needed', positive('--max'), 100)
    .option('--page-size <n>', 'results per request, 1 to 100', positive('--page-size'))
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((query: string | undefined, flags: { registry: string; repo?: string; deprecated?: boolean; type?: 'application' | 'library'; max: number; pageSize?: number; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { searchRegistry } = await import('../../core/actions/search.js');
          const found = await searchRegistry(context(), { registry: flags.registry, query, repo: flags.repo, deprecated: flags.deprecated, type: flags.type, max: flags.max, pageSize: flags.pageSize });
          const rows = found.hits.map((h) => ({ name: h.name, repository: h.repo || null, chart: h.chart, version: h.version, app_version: h.appVersion, description: h.description, deprecated: h.deprecated, type: h.type, keywords: h.keywords, updated: h.updated }));
          if (flags.output === 'json') return writeOut(JSON.stringify(rows) + '\n');
          if (flags.output === 'yaml') {
            const jsyaml = jsYaml();
            return writeOut(jsyaml.dump(rows));
          }
          if (found.hits.length === 0) return writeOut('No results found\n');
          const cut = (d: string) => (d.length > 50 ? d.slice(0, 47) + '...' : d);
          const table = [['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], ...found.hits.map((h) => [h.name, h.version, h.appVersion, cut(h.deprecated ? `DEPRECATED ${h.description}` : h.description)].map(printable))];
          writeOut(formatTable(table));
          if (found.total > found.hits.length) writeErr(`showing ${found.hits.length} of ${found.total} charts; raise --max to see more\n`);
        },
        () => flags.output,
      ),
    );
}
