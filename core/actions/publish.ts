import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartArchive, loadChartDir } from '../chart/loader.js';
import { packChart } from '../chart/packager.js';
import { createHash } from 'node:crypto';
import { uploadChart } from '../uploads/index.js';

export { uploadUrl } from '../uploads/chartmuseum.js';

export interface PublishOptions {
  /** A chart folder (packaged first) or a .tgz. */
  chart: string;
  /** A configured repository's name, or a registry URL (ChartMuseum API). */
  repo: string;
  force?: boolean;
}

export interface PublishResult {
  name: string;
  version: string;
  digest: string;
  url: string;
  prov: boolean;
}

/**
 * What `publish` and `push` send: the archive (a folder is packaged first, reproducibly), its file name, and the
 * `.prov` beside an archive when there is one.
 */
export function chartToUpload(ctx: ActionContext, path: string): { archive: Buffer; filename: string; prov?: Buffer } {
  if (!existsSync(path)) throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${path}`, { file: path });
  if (statSync(path).isDirectory()) {
    const packed = packChart(loadChartDir(path), { sourceDateEpoch: ctx.sourceDateEpoch });
    return { archive: packed.archive, filename: `${packed.name}-${packed.version}.tgz` };
  }
  const provPath = `${path}.prov`;
  return { archive: readFileSync(path), filename: basename(path), ...(existsSync(provPath) ? { prov: readFileSync(provPath) } : {}) };
}

/** Publishes a chart to Chartroom or any server with ChartMuseum's API, with its .prov when one lies beside it. */
export async function publishChart(ctx: ActionContext, opts: PublishOptions): Promise<PublishResult> {
  const { archive, filename, prov } = chartToUpload(ctx, opts.chart);
  const chart = loadChartArchive(archive, opts.chart);
  const { name, version } = chart.metadata;
  const r = await uploadChart(opts.repo, { name, version, archive, filename, prov, force: opts.force }, ctx);
  return { name, version, digest: createHash('sha256').update(archive).digest('hex'), url: r.url, prov: !!prov };
}
