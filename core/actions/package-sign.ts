import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { writeFileAtomic } from '../atomic-file.js';
import { ChartroomError, describeSystemError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { readChartArchive } from '../chart/archive.js';
import { parseChartMetadata, type ChartMetadata } from '../chart/metadata.js';
import { helmConfigJson } from '../oci/format.js';
import { findKey, fingerprintOf, readKeyring, signChart, unlockKey } from '../provenance/index.js';
import { unmarshalJson } from '../../template-engine/go/funcs/json.js';
import { toYamlText } from '../../template-engine/go/funcs/yaml.js';
import type { PackageResult } from './package.js';

// `chart package --sign`: apart from packaging itself, so that a plain `chart package` never loads OpenPGP's
// glue or the Go engine's YAML writer.

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
