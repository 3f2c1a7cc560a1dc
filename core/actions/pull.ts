import { existsSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { readChartArchive } from '../chart/archive.js';
import { writeFileAtomic } from '../atomic-file.js';
import { fetchChart, type FetchedChart } from '../sources/index.js';
import { isStrictVersion } from '../sources/oci.js';
import type { VerifiedChart } from '../provenance/index.js';
import { loadKeyring, provenanceOf, verifyFetched } from './verify.js';
import { tagOf } from '../oci/format.js';
import { makeDirsSync } from '../make-dirs.js';

export type { FetchedChart } from '../sources/index.js';

export interface PullOptions {
  /** `REPO/NAME`, an http(s) URL of an archive, or `oci://HOST/PATH/NAME[:TAG|@DIGEST]`. */
  ref: string;
  /** A version or range (Helm's syntax). */
  version?: string;
  devel?: boolean;
  destination?: string;
  untar?: boolean;
  untarDir?: string;
  prov?: boolean;
  /** Verify the chart against its provenance file and this keyring (helm's --verify --keyring) before writing. */
  verifyKeyring?: string;
}

/**
 * As helm: an oci:// chart at an exact version is one tag, fetched without listing the repository's tags;
 * a tag in the reference and a different --version are a mistake.
 */
function ociReferenceFor(opts: PullOptions): string {
  if (!opts.ref.startsWith('oci://') || opts.version === undefined) return opts.ref;
  const path = opts.ref.slice('oci://'.length);
  const tag = /:([^/:@]*)$/.exec(path.replace(/@.*$/, ''))?.[1];
  if (tag !== undefined && tag !== tagOf(opts.version)) throw new ChartroomError('CHART_REF', `${opts.ref} names tag ${tag}, but --version asks for ${opts.version}`, { hint: 'give the version in one place' });
  if (tag !== undefined || path.includes('@') || !isStrictVersion(opts.version)) return opts.ref;
  return `${opts.ref}:${tagOf(opts.version)}`;
}

/** Downloads a chart into a folder (or unpacks it), after checking its digest; nothing is written on a mismatch. */
export async function pullChart(ctx: ActionContext, opts: PullOptions): Promise<{ file?: string; dir?: string; chart: FetchedChart; verified?: VerifiedChart }> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.ref) && !/^[A-Za-z0-9][A-Za-z0-9._-]*\/[^/]+$/.test(opts.ref)) {
    throw new ChartroomError('CHART_REF', `${JSON.stringify(opts.ref)} is not REPO/NAME or a URL`, { hint: 'e.g. chart pull stable/nginx --version ^1.2' });
  }
  const fetched = await fetchChart(ociReferenceFor(opts), opts, ctx);
  const dest = resolvePath(opts.destination ?? '.');
  const prov = opts.prov || opts.verifyKeyring !== undefined ? await provenanceOf(ctx, fetched) : undefined;
  // Verified before anything is written: a chart that fails leaves no trace.
  const verified = prov && opts.verifyKeyring !== undefined ? await verifyFetched(ctx, fetched, prov, await loadKeyring(opts.verifyKeyring), opts.verifyKeyring) : undefined;
  makeDirsSync(dest);
  if (prov) writeFileAtomic(join(dest, `${fetched.name}-${fetched.version}.tgz.prov`), prov);
  if (opts.untar) {
    const { files, topDir } = readChartArchive(fetched.data, fetched.url);
    const root = join(opts.untarDir ? resolvePath(opts.untarDir) : dest, topDir);
    if (existsSync(root)) throw new ChartroomError('UNTAR_EXISTS', `${root} already exists`, { hint: 'remove it, or pull without --untar' });
    for (const f of files) {
      const target = join(root, f.name);
      makeDirsSync(dirname(target));
      writeFileAtomic(target, f.data);
    }
    return { dir: root, chart: fetched, verified };
  }
  const file = join(dest, `${fetched.name}-${fetched.version}.tgz`);
  writeFileAtomic(file, fetched.data);
  return { file, chart: fetched, verified };
}
