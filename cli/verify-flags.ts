import type { Command } from 'commander';
import { defaultKeyring } from './commands/verify.js';

export interface VerifyFlags {
  verify?: boolean;
  keyring: string;
}

/** helm's --verify and --keyring, on every command that takes a chart it can verify (pull, install, upgrade, diff). */
export function addVerifyFlags(cmd: Command): Command {
  return cmd
    .option('--verify', 'verify the chart against its provenance file (.prov) and --keyring before using it')
    .option('--keyring <file>', "keyring with the signers' public keys, for --verify", defaultKeyring());
}

/** The keyring to verify with, when --verify is given. */
export function verifyKeyring(flags: VerifyFlags): string | undefined {
  return flags.verify ? flags.keyring : undefined;
}

/** What helm prints for a verified chart. */
export function verifiedLines(v: { signedBy: string[]; fingerprint: string; fileHash: string }): string {
  return `${v.signedBy.map((id) => `Signed by: ${id}\n`).join('')}Using Key With Fingerprint: ${v.fingerprint}\nChart Hash Verified: ${v.fileHash}\n`;
}
