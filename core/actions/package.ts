import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { writeFileAtomic } from '../atomic-file.js';
import { ChartroomError, describeSystemError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { readChartArchive } from '../chart/archive.js';
import { loadChartDir } from '../chart/loader.js';
import { parseChartMetadata, type ChartMetadata } from '../chart/metadata.js';
import { packChart } from '../chart/packager.js';
import { helmConfigJson } from '../oci/format.js';
import { findKey, fingerprintOf, readKeyring, signChart, unlockKey } from '../provenance/index.js';
import { unmarshalJson } from '../../template-engine/go/funcs/json.js';
import { toYamlText } from '../../template-engine/go/funcs/yaml.js';

export interface PackageOptions {
  /** The chart folder. */
  path: string;
  /** Folder to write the archive to (default: the current folder). */
  destination?: string;
  /** Overrides Chart.yaml's version. */
  version?: string;
  /** Overrides Chart.yaml's appVersion. */
  appVersion?: string;
  /** Seconds since the epoch stamped on every entry; default the context's SOURCE_DATE_EPOCH, else 1980-01-01. */
  sourceDateEpoch?: number;
}

export interface PackageResult {
  name: string;
  version: string;
  file: string;
  sha256: string;
  size: number;
  /** The provenance file written beside the archive, when it was signed. */
  prov?: string;
}

/** Packages a chart folder into `name-version.tgz`, honouring .helmignore; the write is atomic. */
export function packageChart(ctx: ActionContext, opts: PackageOptions): PackageResult {
  try {
    if (!statSync(opts.path).isDirectory()) throw new Error();
  } catch {
    throw new ChartroomError('NOT_A_CHART_DIR', `${opts.path} is not a chart folder`, { file: opts.path, hint: 'chart package takes the folder that holds Chart.yaml' });
  }
  const packed = packChart(loadChartDir(opts.path), { version: opts.version, appVersion: opts.appVersion, sourceDateEpoch: opts.sourceDateEpoch ?? ctx.sourceDateEpoch });
  const dest = resolve(opts.destination ?? '.');
  const file = join(dest, `${packed.name}-${packed.version}.tgz`);
  try {
    writeFileAtomic(file, packed.archive);
  } catch (e) {
    // A missing output folder is made; a file in its way, or a folder we may not write to, is named.
    const err = e as NodeJS.ErrnoException;
    const where = opts.destination ?? '.';
    if (err.syscall === 'mkdir' && (err.code === 'EEXIST' || err.code === 'ENOTDIR')) {
      throw new ChartroomError('FILE_ACCESS', `output folder is not a folder (${err.path ?? where} is a file)`, { file: where, cause: e, hint: 'give -d a folder' });
    }
    throw describeSystemError(e, err.syscall === 'mkdir' ? where : file, { what: err.syscall === 'mkdir' ? 'output folder' : 'archive', writing: true });
  }
  return { name: packed.name, version: packed.version, file, sha256: packed.sha256, size: packed.archive.length };
}

export interface SignOptions {
  /** The keyring holding the secret key (helm's --keyring): GnuPG 1's binary `secring.gpg`, or armored keys. */
  keyring: string;
  /** The key: a user id or part of one, as helm's --key takes it, or a fingerprint. */
  key: string;
  /** Gives the passphrase of the key (named by its user id); called only when the key is protected by one. */
  passphrase?: (keyName: string) => Promise<string>;
}

/** A secret key, unlocked, ready to sign packages. */
export interface ChartSigner {
  readonly key: PrivateKey;
  /** The key's first user id. */
  readonly name: string;
  readonly fingerprint: string;
}

/** Finds and unlocks the signing key, before anything is packaged: a wrong key or passphrase leaves no archive behind. */
export async function openSigner(_ctx: ActionContext, opts: SignOptions): Promise<ChartSigner> {
  let data: Buffer;
  try {
    data = readFileSync(opts.keyring);
  } catch (e) {
    throw describeSystemError(e, opts.keyring, { what: 'keyring', hint: 'give --keyring with a keyring holding the secret key (gpg --export-secret-keys > secring.gpg)' });
  }
  const keyring = await readKeyring(data, opts.keyring);
  const key = await unlockKey(keyring, findKey(keyring, opts.key), opts.passphrase);
  return { key, name: key.getUserIDs()[0] ?? fingerprintOf(key), fingerprint: fingerprintOf(key) };
}

/** Chart.yaml as helm puts it in a provenance file: Helm's Metadata through sigs.k8s.io/yaml (sorted keys, go-yaml v2's quoting and folding). */
export function helmMetadataYaml(md: ChartMetadata): string {
  return `${toYamlText(unmarshalJson(helmConfigJson(md)))}\n`;
}

/**
 * Writes `NAME-VERSION.tgz.prov` beside a packaged archive, as `helm package --sign` does: the metadata of the
 * archive as written (so --version and --app-version count) and its sha256, clear-signed with the signer's key.
 */
export async function signPackage(ctx: ActionContext, pkg: PackageResult, signer: ChartSigner): Promise<PackageResult> {
  const archive = readFileSync(pkg.file);
  const chartYaml = readChartArchive(archive, pkg.file, undefined, { onlyChartYaml: true }).files.find((f) => f.name === 'Chart.yaml');
  if (!chartYaml) throw new ChartroomError('CHART_YAML', 'the archive has no Chart.yaml', { file: pkg.file });
  const { metadata } = parseChartMetadata(chartYaml.data.toString('utf8'), `${pkg.file}#Chart.yaml`);
  const prov = await signChart(archive, basename(pkg.file), helmMetadataYaml(metadata), signer.key, ctx.clock());
  const file = `${pkg.file}.prov`;
  writeFileAtomic(file, prov);
  return { ...pkg, prov: file };
}
