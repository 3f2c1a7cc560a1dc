import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';

export function register(program: Command): void {
  const cmd = program
    .command('push')
    .description('push a chart (folder or .tgz, with its .prov) to an OCI registry, as helm push does')
    .argument('<chart>', 'chart folder (packaged first) or .tgz')
    .argument('<remote>', 'oci://HOST[:PORT][/PATH]: the chart goes to PATH/NAME, tagged with its version')
    .option('-o, --output <format>', 'text or json', 'text');
  addRegistryFlags(cmd).action((chart: string, remote: string, flags: { output: OutputFormat }) =>
    runCommand(
      async () => {
        const { pushChart } = await import('../../core/actions/push.js');
        const r = await pushChart(context(), { chart, remote });
        if (flags.output === 'json') return writeOut(JSON.stringify(r) + '\n');
        writeOut(`Pushed: ${r.ref}\nDigest: ${r.digest}\n`);
      },
      () => flags.output,
    ),
  );
}
