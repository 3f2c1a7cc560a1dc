import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ChartroomError, describeSystemError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart } from '../chart/model.js';
import { loadChartArchive } from '../chart/loader.js';
import { MAX_PROV_BYTES, readKeyring, verifyChart, type Keyring, type VerifiedChart } from '../provenance/index.js';
import { fetchChart, loadChartFrom, locateChart, type FetchedChart } from '../sources/index.js';
import { fileSource } from '../sources/file.js';
import { fetchOciProvenance, isOciFetched } from '../sources/oci.js';

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
    throw describeSystemError(e, file, { what, hint });
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
  const keyring = await loadKeyring(opts.keyring);
  const archive = read(opts.chart, 'chart archive');
  ctx.log.debug(`verifying ${opts.chart} with ${provFile} against ${keyring.keys.length} key(s) of ${opts.keyring}`);
  const verified = await verifyChart(archive, basename(opts.chart), prov, keyring, { archive: opts.chart, prov: provFile, keyring: opts.keyring, date: ctx.clock() });
  return { ...verified, file: opts.chart, provFile, keyringFile: opts.keyring };
}

/** Reads a keyring file once, for every chart a command verifies. */
export async function loadKeyring(file: string): Promise<Keyring> {
  return readKeyring(read(file, 'keyring', "give --keyring with the signers' public keys (gpg --export > pubring.gpg)"), file);
}

/** The provenance file of a fetched chart: the provenance layer of an OCI chart, else `URL.prov` beside the archive. */
export async function provenanceOf(ctx: ActionContext, fetched: FetchedChart): Promise<Buffer> {
  if (isOciFetched(fetched)) {
    const prov = await fetchOciProvenance(ctx, fetched);
    if (!prov) throw new ChartroomError('PROV_MISSING', `${fetched.url} was pushed without a provenance file`, { url: fetched.url });
    return prov;
  }
  return ctx.repos.archive(`${fetched.url}.prov`, undefined, `${fetched.name} provenance`).catch((e: unknown) => {
    throw new ChartroomError('PROV_MISSING', `no provenance file at ${fetched.url}.prov: ${(e as Error).message}`, { url: `${fetched.url}.prov`, cause: e });
  });
}

/** Checks a fetched chart against its provenance file and a keyring; throws before the caller keeps anything. */
export async function verifyFetched(ctx: ActionContext, fetched: FetchedChart, prov: Buffer, keyring: Keyring, keyringFile: string): Promise<VerifiedChart> {
  return verifyChart(fetched.data, `${fetched.name}-${fetched.version}.tgz`, prov, keyring, { archive: fetched.url, prov: `${fetched.url}.prov`, keyring: keyringFile, date: ctx.clock() });
}

/**
 * A chart argument loaded as `install`/`upgrade`/`diff` load it, and, with a keyring (`--verify --keyring F`),
 * verified first as helm does: a local archive against the .prov beside it, a fetched one against the
 * provenance file its repository or registry has. An unpacked chart cannot be verified.
 */
export async function loadChartChecked(ctx: ActionContext, arg: string, version: string | undefined, keyringFile?: string): Promise<{ chart: Chart; verified?: VerifiedChart }> {
  if (keyringFile === undefined) return { chart: await loadChartFrom(arg, version, ctx) };
  const located = locateChart(arg, ctx);
  if (located.source === fileSource) {
    const verified = await verifyChartFile(ctx, { chart: arg, keyring: keyringFile });
    return { chart: await loadChartFrom(arg, version, ctx), verified };
  }
  const fetched = await fetchChart(arg, { version }, ctx);
  const verified = await verifyFetched(ctx, fetched, await provenanceOf(ctx, fetched), await loadKeyring(keyringFile), keyringFile);
  return { chart: loadChartArchive(fetched.data, `${arg}-${fetched.version}.tgz`), verified };
}
