import type { Command } from 'commander';
import { writeOut } from '../output.js';

declare const CHARTROOM_VERSION: string;

export function register(program: Command): void {
  program
    .command('version')
    .description('print the version')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((flags: { output: string }) => {
      const info = { version: CHARTROOM_VERSION, node: process.version };
      writeOut(flags.output === 'json' ? JSON.stringify(info) + '\n' : `chartroom ${info.version} (node ${info.node})\n`);
    });
}
