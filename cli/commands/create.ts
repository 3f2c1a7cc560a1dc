import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut } from '../output.js';

export function register(program: Command): void {
  program
    .command('create')
    .description('create a new Handlebars chart with a deployment, service, ingress, route, autoscaler and test')
    .argument('<name>', 'chart folder to create (its last segment is the chart name)')
    .action((name: string) =>
      runCommand(async () => {
        const { createChart } = await import('../../core/actions/create.js');
        const result = createChart(context(), { path: name });
        writeOut(`Creating ${name}\n`);
        void result;
      }),
    );
}
