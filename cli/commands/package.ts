import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { context } from '../context.js';
import { describeSystemError } from '../../core/errors.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { defaultKeyring } from './verify.js';
import { ask } from '../prompt.js';

interface Flags {
  destination?: string;
  version?: string;
  appVersion?: string;
  sign?: boolean;
  key?: string;
  keyring: string;
  passphraseFile?: string;
  output: OutputFormat;
}

/**
 * Where the signing key's passphrase comes from, as helm has it: the first line of --passphrase-file (`-` is
 * standard input, read once however many charts are signed), else a prompt on the terminal.
 */
function passphraseSource(file: string | undefined): ((keyName: string) => Promise<string>) | undefined {
  if (file !== undefined) {
    return async () => {
      if (file === '-' && process.stdin.isTTY) throw new Error('--passphrase-file - reads the passphrase from standard input, but nothing is piped into it');
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (e) {
        throw describeSystemError(e, file === '-' ? '<stdin>' : file, 'passphrase file');
      }
      return text.split('\n')[0].replace(/\r$/, '');
    };
  }
  if (process.stdin.isTTY) return (keyName) => ask(`Password for key "${keyName}" >  `, true);
  return undefined;
}

export function register(program: Command): void {
  program
    .command('package')
    .description('package chart folders into versioned .tgz archives (reproducible: SOURCE_DATE_EPOCH is honoured); --sign writes a helm-compatible .prov beside each')
    .argument('<charts...>', 'chart folders')
    .option('-d, --destination <dir>', 'where to write the archives', '.')
    .option('--version <version>', "set the chart's version")
    .option('--app-version <version>', "set the chart's appVersion")
    .option('--sign', 'sign each package with an OpenPGP key: NAME-VERSION.tgz.prov beside it')
    .option('--key <name>', 'the signing key: a user id or part of one (or a fingerprint); with --sign')
    .option('--keyring <file>', 'keyring holding the secret key (gpg --export-secret-keys > secring.gpg, or armored keys)', defaultKeyring())
    .option('--passphrase-file <file>', 'file whose first line is the key\'s passphrase; "-" reads standard input')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((charts: string[], flags: Flags) =>
      runCommand(
        async () => {
          const { packageChart } = await import('../../core/actions/package.js');
          if (flags.sign && !flags.key) throw new Error('--key is required for signing a package');
          const { openSigner, signPackage } = flags.sign ? await import('../../core/actions/package-sign.js') : { openSigner: undefined, signPackage: undefined };
          const signer = openSigner ? await openSigner(context(), { keyring: flags.keyring, key: flags.key!, passphrase: passphraseSource(flags.passphraseFile) }) : undefined;
          const results = [];
          for (const path of charts) {
            const packed = packageChart(context(), { path, destination: flags.destination, version: flags.version, appVersion: flags.appVersion });
            results.push(signer && signPackage ? await signPackage(context(), packed, signer) : packed);
          }
          if (flags.output === 'json') writeOut(JSON.stringify(results, null, 2) + '\n');
          else for (const r of results) writeOut(`Successfully packaged chart and saved it to: ${r.file}\n`);
        },
        () => flags.output,
      ),
    );
}
