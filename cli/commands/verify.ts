import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { verifiedLines } from '../verify-flags.js';

/** helm's default keyring: $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg (GnuPG 1's binary keyring). */
export function defaultKeyring(env: NodeJS.ProcessEnv = process.env): string {
  return env.GNUPGHOME ? join(env.GNUPGHOME, 'pubring.gpg') : join(env.HOME || homedir(), '.gnupg', 'pubring.gpg');
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('verify that a chart archive was signed by a key of the keyring and is unchanged since (its NAME-VERSION.tgz.prov), as helm verify')
    .argument('<chart>', 'the chart archive (.tgz); its .prov lies beside it')
    .option('--keyring <file>', "keyring with the signers' public keys (gpg --export > pubring.gpg, or armored keys)", defaultKeyring())
    .option('-o, --output <format>', 'text or json', 'text')
    .action((chart: string, flags: { keyring: string; output: OutputFormat }) =>
      runCommand(
        async () => {
          const { verifyChartFile } = await import('../../core/actions/verify.js');
          const r = await verifyChartFile(context(), { chart, keyring: flags.keyring });
          if (flags.output === 'json') {
            const { file, provFile, keyringFile, signedBy, fingerprint, keyId, signedAt, hashAlgorithm, fileName, fileHash } = r;
            return writeOut(JSON.stringify({ file, prov: provFile, keyring: keyringFile, fileName, fileHash, signedBy, fingerprint, keyId, signedAt: signedAt.toISOString(), hashAlgorithm }, null, 2) + '\n');
          }
          writeOut(verifiedLines(r));
        },
        () => flags.output,
      ),
    );
}
