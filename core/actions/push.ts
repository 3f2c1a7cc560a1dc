import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { chartToUpload } from './publish.js';
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
  const { archive, filename, prov } = chartToUpload(ctx, opts.chart);
  return pushChartToRegistry(ctx, target, { archive, prov, filename }, { overwrite: true });
}
