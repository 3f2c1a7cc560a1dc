import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { addRegistryFlags } from '../registry-flags.js';
import { addVerifyFlags, verifiedLines, verifyKeyring, type VerifyFlags } from '../verify-flags.js';

export function register(program: Command): void {
  addVerifyFlags(addRegistryFlags(program.command('pull')))
    .alias('fetch')
    .description("download a chart, verified against the repository's sha256")
    .argument('<chart>', 'REPO/NAME or an http(s) URL of an archive')
    .option('--version <range>', 'version or range (default: newest stable)')
    .option('--devel', 'allow prereleases')
    .option('-d, --destination <dir>', 'where to write', '.')
    .option('--untar', 'unpack the chart')
    .option('--untardir <dir>', 'where to unpack')
    .option('--prov', 'fetch the provenance file too')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((ref: string, flags: VerifyFlags & { version?: string; devel?: boolean; destination: string; untar?: boolean; untardir?: string; prov?: boolean; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { pullChart } = await import('../../core/actions/pull.js');
          const r = await pullChart(context(), { ref, version: flags.version, devel: flags.devel, destination: flags.destination, untar: flags.untar, untarDir: flags.untardir, prov: flags.prov, verifyKeyring: verifyKeyring(flags) });
          if (flags.output === 'json') return writeOut(JSON.stringify({ name: r.chart.name, version: r.chart.version, digest: r.chart.digest, url: r.chart.url, path: r.file ?? r.dir, ...(r.verified ? { verified: { signedBy: r.verified.signedBy, fingerprint: r.verified.fingerprint, fileHash: r.verified.fileHash } } : {}) }) + '\n');
          if (r.verified) writeOut(verifiedLines(r.verified));
          writeOut(`Pulled ${r.chart.name} ${r.chart.version}${r.chart.digest ? ` (sha256:${r.chart.digest})` : ''} to ${r.file ?? r.dir}\n`);
        },
        () => flags.output,
      ),
    );
}
