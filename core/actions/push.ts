import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartDir } from '../chart/loader.js';
import { packChart } from '../chart/packager.js';
import { parseOciTarget } from '../oci/reference.js';
import { pushChartToRegistry, type OciPushResult } from '../uploads/oci.js';

export type { OciPushResult } from '../uploads/oci.js';

export interface PushOptions {
  /** A chart folder (packaged first, as `chart package` packages it) or a .tgz (with its .prov beside it, if any). */
  chart: string;
  /** `oci://HOST[:PORT][/PATH]`: the chart goes to PATH/NAME, tagged with its version. */
  remote: string;
}

/** Pushes a chart to an OCI registry as `helm push` does; an existing tag is moved, as helm moves it. */
export async function pushChart(ctx: ActionContext, opts: PushOptions): Promise<OciPushResult> {
  if (!opts.remote.startsWith('oci://')) {
    throw new ChartroomError('CHART_REF', `${opts.remote} is not an oci:// registry`, { hint: 'chart push CHART oci://HOST/PATH; for Chartroom or ChartMuseum registries use chart publish CHART --repo NAME|URL' });
  }
  const target = parseOciTarget(opts.remote);
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
    if (existsSync(`${opts.chart}.prov`)) prov = readFileSync(`${opts.chart}.prov`);
  }
  return pushChartToRegistry(ctx, target, { archive, prov, filename }, { overwrite: true });
}
