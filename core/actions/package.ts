import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { ChartroomError, describeSystemError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartDir } from '../chart/loader.js';
import { packChart } from '../chart/packager.js';

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
  return {
    name: packed.name,
    version: packed.version,
    file,
    // Read (and worked out) only when asked for, as by `-o json`.
    get sha256() {
      return packed.sha256;
    },
    size: packed.archive.length,
  };
}
