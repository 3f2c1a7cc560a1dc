import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { context } from '../context.js';
import { runCommand, warn, writeOut, type OutputFormat } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';
import { ask } from '../prompt.js';

export function register(program: Command): void {
  const registry = program.command('registry').description('log in to and out of OCI registries');

  const login = registry
    .command('login')
    .description('check credentials against an OCI registry, then save them (0600) for push, pull and dependencies')
    .argument('<host>', 'registry host[:port]')
    .option('-u, --username <user>', 'registry user name')
    .option('-p, --password <password>', 'registry password (insecure: other users may see it; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('-o, --output <format>', 'text or json', 'text');
  addRegistryFlags(login).action((host: string, flags: { username?: string; password?: string; passwordStdin?: boolean; output: OutputFormat }) =>
    runCommand(
      async () => {
        const tty = process.stdin.isTTY === true;
        if (flags.password !== undefined && flags.passwordStdin) throw new Error('--password and --password-stdin go one at a time');
        if (flags.password !== undefined) warn('using --password on the command line is insecure; use --password-stdin');
        if (flags.passwordStdin && !flags.username) throw new Error('--password-stdin needs --username');
        const username = flags.username ?? (tty ? (await ask('Username: ', false)).trim() : '');
        const password = flags.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : (flags.password ?? (tty ? await ask('Password: ', true) : ''));
        if (!username || !password) throw new Error(`chart registry login needs a user name and a password: chart registry login ${host} -u USER --password-stdin`);
        const { registryLogin } = await import('../../core/actions/registry.js');
        const r = await registryLogin(context(), { host, username, password });
        if (flags.output === 'json') return writeOut(JSON.stringify({ host: r.host, username, saved: r.file }) + '\n');
        writeOut('Login Succeeded\n');
      },
      () => flags.output,
    ),
  );

  registry
    .command('logout')
    .description("forget a registry's saved credentials")
    .argument('<host>', 'registry host[:port]')
    .action((host: string) =>
      runCommand(async () => {
        const { registryLogout } = await import('../../core/actions/registry.js');
        const r = registryLogout(context(), { host });
        writeOut(`Removing login credentials for ${r.host}\n`);
      }),
    );
}
