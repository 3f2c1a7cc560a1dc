import type { Command } from 'commander';
import { context } from '../context.js';
import { readFileSync } from 'node:fs';
import { formatTable, runCommand, writeOut, type OutputFormat } from '../output.js';

export function register(program: Command): void {
  const repo = program.command('repo').description('add, list, remove and update chart repositories, and index a folder of charts');

  repo
    .command('add')
    .description('add a chart repository (its index must load)')
    .argument('<name>')
    .argument('<url>')
    .option('--username <user>', 'user name for basic auth')
    .option('--password-stdin', 'read the password from standard input')
    .option('--token-stdin', 'read a bearer token from standard input (sent as Authorization: Bearer)')
    .option('--force-update', 'replace a repository of the same name')
    .action((name: string, url: string, flags: { username?: string; passwordStdin?: boolean; tokenStdin?: boolean; forceUpdate?: boolean }) =>
      runCommand(async () => {
        const { repoAdd } = await import('../../core/actions/repo.js');
        if (flags.passwordStdin && flags.tokenStdin) throw new Error('--password-stdin and --token-stdin both read standard input: give one');
        const stdin = flags.passwordStdin || flags.tokenStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : undefined;
        const password = flags.passwordStdin ? stdin : undefined;
        const token = flags.tokenStdin ? stdin : undefined;
        const r = await repoAdd(context(), { name, url, username: flags.username, password, token, forceUpdate: flags.forceUpdate });
        writeOut(`"${r.repo.name}" has been added (${r.charts} charts)\n`);
      }),
    );

  repo
    .command('list')
    .alias('ls')
    .description('list the configured repositories')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((flags: { output: OutputFormat }) =>
      runCommand(async () => {
        const { repoList } = await import('../../core/actions/repo.js');
        const list = repoList(context()).map((r) => ({ name: r.name, url: r.url }));
        if (flags.output === 'json') return writeOut(JSON.stringify(list) + '\n');
        if (flags.output === 'yaml') return writeOut(list.map((r) => `- name: ${r.name}\n  url: ${r.url}\n`).join(''));
        if (list.length === 0) return writeOut('no repositories; add one with chart repo add NAME URL\n');
        writeOut(formatTable([['NAME', 'URL'], ...list.map((r) => [r.name, r.url])]));
      }),
    );

  repo
    .command('remove')
    .alias('rm')
    .description('remove repositories')
    .argument('<names...>')
    .action((names: string[]) =>
      runCommand(async () => {
        const { repoRemove } = await import('../../core/actions/repo.js');
        for (const n of names) {
          repoRemove(context(), n);
          writeOut(`"${n}" has been removed\n`);
        }
      }),
    );

  repo
    .command('update')
    .alias('up')
    .description('download the latest indexes (only what changed: If-None-Match)')
    .argument('[names...]')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((names: string[], flags: { output: OutputFormat }) =>
      runCommand(
        async () => {
          const { repoUpdate } = await import('../../core/actions/repo.js');
          const results = await repoUpdate(context(), names);
          if (flags.output === 'json') return writeOut(JSON.stringify(results) + '\n');
          for (const r of results) writeOut(`${r.name}: ${r.changed ? 'updated' : 'unchanged'} (${r.charts} charts)\n`);
        },
        () => flags.output,
      ),
    );

  repo
    .command('index')
    .description('write index.yaml for a folder of chart archives')
    .argument('<dir>')
    .option('--url <url>', 'base URL of the charts')
    .option('--merge <file>', 'merge into this existing index')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((dir: string, flags: { url?: string; merge?: string; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { repoIndex } = await import('../../core/actions/repo.js');
          const r = await repoIndex(context(), { dir, url: flags.url, merge: flags.merge });
          writeOut(flags.output === 'json' ? JSON.stringify(r) + '\n' : `wrote ${r.file}: ${r.charts} charts, ${r.versions} versions\n`);
        },
        () => flags.output,
      ),
    );
}
