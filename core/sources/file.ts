import { crypto } from '../builtin.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ChartroomError } from '../errors.js';
import { loadChart, loadChartArchive, loadChartDir } from '../chart/loader.js';
import { packChart } from '../chart/packager.js';
import type { ChartSource, SourceRef } from './types.js';

export interface FileRef extends SourceRef {
  /** Absolute path of a chart folder or a .tgz. */
  path: string;
}

/** Charts on disk: a folder or a .tgz given as a path, and `file://` dependencies (relative to the chart). */
export const fileSource: ChartSource<FileRef> = {
  scheme: 'file',
  parseArgument(arg) {
    const path = arg.startsWith('file://') ? arg.slice('file://'.length) : arg;
    if (!arg.startsWith('file://') && !existsSync(path)) return undefined;
    return { display: arg, path: resolve(path) };
  },
  parseDependency(dep, chartDir) {
    if (!dep.repository.startsWith('file://')) return undefined;
    const path = dep.repository.slice('file://'.length);
    return { display: dep.repository, path: isAbsolute(path) ? path : join(chartDir, path) };
  },
  async versions() {
    return undefined;
  },
  async fetch(ref, _version, ctx) {
    if (!existsSync(ref.path)) throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${ref.display} (${ref.path} does not exist)`, { file: ref.path });
    let data: Buffer;
    if (statSync(ref.path).isDirectory()) data = packChart(loadChartDir(ref.path), { sourceDateEpoch: ctx.sourceDateEpoch }).archive;
    else data = readFileSync(ref.path);
    const chart = loadChartArchive(data, ref.path);
    return { name: chart.metadata.name, version: chart.metadata.version, url: ref.path, digest: crypto().createHash('sha256').update(data).digest('hex'), data };
  },
};

/** Loads a chart from disk in place (folders are not packed): what template and show use for paths. */
export function loadFileRef(ref: FileRef) {
  return loadChart(ref.path);
}
