import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartArchive } from '../chart/loader.js';
import { chartLayers, chartManifest, digestOf, helmConfigJson, MEDIA_TYPE_MANIFEST, tagOf, TAG_RE } from '../oci/format.js';
import { componentProblem, formatReference, parseOciTarget, repositoryIn, type OciTarget } from '../oci/reference.js';
import type { Upload, UploadTarget } from './types.js';

/** What a push did: where the chart is now, and the manifest's digest (what `helm push` prints). */
export interface OciPushResult {
  name: string;
  version: string;
  /** `host/path/name:tag`, as helm prints it. */
  ref: string;
  registry: string;
  repository: string;
  tag: string;
  /** The manifest's digest. */
  digest: string;
  /** The chart layer's digest (the archive's sha256). */
  chartDigest: string;
  configDigest: string;
  prov: boolean;
  /** The tag already held this very chart (a publish without --force), so nothing was pushed. */
  unchanged?: boolean;
}

/** The `created` annotation as Helm writes it (RFC 3339 in UTC, whole seconds); SOURCE_DATE_EPOCH when set. */
function createdAt(ctx: ActionContext): string {
  const date = ctx.sourceDateEpoch !== undefined ? new Date(ctx.sourceDateEpoch * 1000) : ctx.clock();
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Pushes a chart as `helm push` does: the config blob (Chart.yaml as JSON), the archive and the provenance
 * file as blobs (each skipped when the registry has it), then the manifest under the version's tag
 * (`+` written `_`). Without `overwrite`, a tag holding another chart is refused (publish's rule).
 */
export async function pushChartToRegistry(ctx: ActionContext, target: OciTarget, up: Pick<Upload, 'archive' | 'prov' | 'filename'>, opts: { overwrite: boolean }): Promise<OciPushResult> {
  const md = loadChartArchive(up.archive, up.filename).metadata;
  const tag = tagOf(md.version);
  if (!TAG_RE.test(tag)) throw new ChartroomError('BAD_VERSION', `${md.name} ${md.version}: the version cannot be an OCI tag (${JSON.stringify(tag)})`, { chart: md.name });
  const nameProblem = componentProblem(md.name);
  if (nameProblem) throw new ChartroomError('OCI_REFERENCE', `chart ${md.name} cannot be pushed to an OCI registry: its name ${nameProblem}`, { chart: md.name });
  const repository = repositoryIn(target, md.name);
  const ref = formatReference({ registry: target.registry, repository, tag });
  const config = Buffer.from(helmConfigJson(md));
  const built = chartManifest(md, { config, archive: up.archive, prov: up.prov }, createdAt(ctx));
  const client = ctx.oci.client(target.registry);
  const chartDigest = digestOf(up.archive);
  const result = { name: md.name, version: md.version, ref, registry: target.registry, repository, tag, chartDigest, configDigest: digestOf(config), prov: !!up.prov };

  if (!opts.overwrite && (await client.manifestDigest(repository, tag, 'push'))) {
    const existing = await client.manifest(repository, tag);
    const layers = chartLayers(existing.manifest);
    if ('chart' in layers && layers.chart.digest === chartDigest && !!layers.prov === !!up.prov) return { ...result, digest: existing.digest, unchanged: true };
    throw new ChartroomError('PUBLISH_EXISTS', `${md.name} ${md.version} already exists in oci://${target.registry}/${repository} (tag ${tag}) with other contents`, { url: `oci://${ref}`, hint: 'bump the chart version, or use --force to move the tag' });
  }

  const blobs: [string, Buffer][] = [
    ['config', config],
    ['chart', up.archive],
    ...(up.prov ? ([['provenance', up.prov]] as [string, Buffer][]) : []),
  ];
  for (const [what, data] of blobs) {
    const digest = digestOf(data);
    if (await client.hasBlob(repository, digest)) {
      ctx.log.debug(`oci ${ref}: ${what} ${digest} is there already`);
      continue;
    }
    await client.pushBlob(repository, data, digest);
  }
  const digest = await client.pushManifest(repository, tag, built.bytes, MEDIA_TYPE_MANIFEST);
  return { ...result, digest };
}

/** OCI registries (`oci://host/path`) for `chart publish --repo oci://…`: a push under the hood. */
export const ociTarget: UploadTarget<OciTarget> = {
  scheme: 'oci',
  parse: (target) => (target.startsWith('oci://') ? parseOciTarget(target) : undefined),
  async upload(target, up, ctx) {
    const r = await pushChartToRegistry(ctx, target, up, { overwrite: !!up.force });
    return { url: `oci://${r.ref}` };
  },
};
