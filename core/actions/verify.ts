import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { MAX_PROV_BYTES, readKeyring, verifyChart, type VerifiedChart } from '../provenance/index.js';

export interface VerifyOptions {
  /** The chart archive (`NAME-VERSION.tgz`). */
  chart: string;
  /** The keyring with the signers' public keys (helm's --keyring): GnuPG 1's binary `pubring.gpg`, or armored keys. */
  keyring: string;
  /** The provenance file (default: the archive's path plus `.prov`, as helm has it). */
  prov?: string;
}

export interface VerifyResult extends VerifiedChart {
  file: string;
  provFile: string;
  keyringFile: string;
}

function read(file: string, what: string, hint?: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChartroomError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ACCESS', `cannot read the ${what}: ${code ?? (e as Error).message}`, { file, cause: e, hint });
  }
}

/**
 * Verifies a chart archive against its provenance file and a keyring, as `helm verify` does: the signature by
 * a key of the keyring, and the archive's name and sha256 against the signed ones.
 */
export async function verifyChartFile(ctx: ActionContext, opts: VerifyOptions): Promise<VerifyResult> {
  const provFile = opts.prov ?? `${opts.chart}.prov`;
  let isDir = false;
  try {
    isDir = statSync(opts.chart).isDirectory();
  } catch {
    throw new ChartroomError('FILE_NOT_FOUND', 'no such chart archive', { file: opts.chart });
  }
  if (isDir) throw new ChartroomError('NOT_A_CHART_DIR', 'a folder: unpacked charts cannot be verified', { file: opts.chart, hint: 'verify the .tgz archive and its .prov' });
  if (!/\.tgz$/i.test(opts.chart)) throw new ChartroomError('ARCHIVE_REJECTED', 'not a .tgz chart archive', { file: opts.chart });
  // The size is checked before reading: a provenance file is never large.
  let provSize: number;
  try {
    provSize = statSync(provFile).size;
  } catch {
    throw new ChartroomError('PROV_MISSING', 'no provenance file beside the chart', { file: provFile, hint: 'a signed chart has NAME-VERSION.tgz.prov beside it (chart package --sign, helm package --sign, chart pull --prov)' });
  }
  if (provSize > MAX_PROV_BYTES) throw new ChartroomError('PROV_INVALID', `larger than ${MAX_PROV_BYTES} bytes, so not a provenance file`, { file: provFile });
  const prov = read(provFile, 'provenance file');
  const keyring = await readKeyring(read(opts.keyring, 'keyring', 'give --keyring with the signers\' public keys (gpg --export > pubring.gpg)'), opts.keyring);
  const archive = read(opts.chart, 'chart archive');
  ctx.log.debug(`verifying ${opts.chart} with ${provFile} against ${keyring.keys.length} key(s) of ${opts.keyring}`);
  const verified = await verifyChart(archive, basename(opts.chart), prov, keyring, { archive: opts.chart, prov: provFile, keyring: opts.keyring, date: ctx.clock() });
  return { ...verified, file: opts.chart, provFile, keyringFile: opts.keyring };
}
