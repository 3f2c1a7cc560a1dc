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

/** Publishes a chart to Chartroom or any server with ChartMuseum's API, with its .prov when one lies beside it. */
export async function publishChart(ctx: ActionContext, opts: PublishOptions): Promise<PublishResult> {
  if (!existsSync(opts.chart)) throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${opts.chart}`, { file: opts.chart });
  let archive: Buffer;
  let filename: string;
  let prov: Buffer | undefined;
  if (statSync(opts.chart).isDirectory()) {
    const packed = packChart(loadChartDir(opts.chart), { sourceDateEpoch: ctx.sourceDateEpoch });
    archive = packed.archive;
    filename = `${packed.name}-${packed.version}.tgz`;
  } else {
    archive = readFileSync(opts.chart);
    filename = basename(opts.chart);
    const provPath = `${opts.chart}.prov`;
    if (existsSync(provPath)) prov = readFileSync(provPath);
  }
  const chart = loadChartArchive(archive, opts.chart);
  const { name, version } = chart.metadata;
  const r = await uploadChart(opts.repo, { name, version, archive, filename, prov, force: opts.force }, ctx);
  return { name, version, digest: createHash('sha256').update(archive).digest('hex'), url: r.url, prov: !!prov };
}
