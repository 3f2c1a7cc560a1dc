import { crypto } from '../builtin.js';
import * as semver from '../semver-lib.js';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { DEFAULT_LIMITS, readChartArchive } from '../chart/archive.js';
import { parseChartMetadata } from '../chart/metadata.js';
import { sortVersionsDesc } from '../versions.js';
import { chartLayers, DIGEST_RE, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_MANIFEST, tagOf, versionOfTag, type Descriptor } from '../oci/format.js';
import { formatReference, parseOciReference, type OciReference } from '../oci/reference.js';
import type { FetchedManifest } from '../oci/client.js';
import type { ChartSource, FetchedChart, SourceRef } from './types.js';

export interface OciRef extends SourceRef {
  reference: OciReference;
}

/** A chart fetched from a registry: which manifest it came from, for its provenance layer. */
export interface OciFetchedChart extends FetchedChart {
  reference: OciReference;
  manifestDigest: string;
  provLayer?: Descriptor;
}

const hex = (s: string | Buffer) => crypto().createHash('sha256').update(s).digest('hex');

/** Cache keys (hex, as the disk cache wants them) for what `--offline` needs: tag lists, tags → manifests. */
const tagsKey = (r: OciReference) => hex(`tags ${r.registry}/${r.repository}`);
const refKey = (r: OciReference, tag: string) => hex(`ref ${r.registry}/${r.repository}:${tag}`);

/** `oci://host/repo:tag` (or `@digest`) for messages and FetchedChart.url. */
const labelOf = (r: OciReference, ref: string) => `oci://${r.registry}/${r.repository}${DIGEST_RE.test(ref) ? '@' : ':'}${ref}`;

/** Whether a version is strict SemVer 2 as helm's `semver.StrictNewVersion` reads it: no `v`, no leading zeros, build metadata kept. */
export function isStrictVersion(v: string): boolean {
  const p = /^\d/.test(v) ? semver.parse(v) : null;
  return !!p && `${p.version}${p.build.length ? `+${p.build.join('.')}` : ''}` === v;
}

/** Helm's rule for tags that are versions: strict SemVer once `_` is read as `+`; other tags are not versions. */
export function tagVersions(tags: string[]): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    const v = versionOfTag(t);
    if (isStrictVersion(v)) out.add(v);
  }
  return sortVersionsDesc([...out]);
}

function offline(what: string): ChartroomError {
  return new ChartroomError('OFFLINE', `${what} is not cached and --offline forbids the network`, { hint: 'run once without --offline' });
}

/** The manifest of a chart, refused unless it is one: an index or another artifact is named as such. */
function checkChartManifest(m: FetchedManifest, label: string): { chart: Descriptor; prov?: Descriptor } {
  if (m.mediaType !== MEDIA_TYPE_MANIFEST && m.mediaType !== MEDIA_TYPE_DOCKER_MANIFEST && m.mediaType !== '') {
    const what = /index|list/.test(m.mediaType) ? 'an image index (several manifests, e.g. a multi-platform image)' : `a ${m.mediaType} document`;
    throw new ChartroomError('OCI_NOT_A_CHART', `${label} is ${what}, not a Helm chart`, { hint: 'pull charts pushed with helm push or chart push' });
  }
  const layers = chartLayers(m.manifest);
  // chartLayers words its reasons for the registry's side too; the client's message ends at the media types.
  if ('refused' in layers) throw new ChartroomError('OCI_NOT_A_CHART', `${label} is not a Helm chart: ${layers.refused.replace(/: this registry stores Helm charts only$/, '')}`, { hint: 'pull charts pushed with helm push or chart push' });
  return layers;
}

/** A cached manifest by digest, when its bytes still hash to it. */
function cachedManifest(ctx: ActionContext, digest: string): FetchedManifest | undefined {
  if (!digest.startsWith('sha256:')) return undefined;
  const h = digest.slice('sha256:'.length);
  const bytes = ctx.cache.read('oci-manifests', h);
  if (!bytes || hex(bytes) !== h) return undefined;
  try {
    const manifest = JSON.parse(bytes.toString('utf8')) as FetchedManifest['manifest'];
    return { bytes, digest, manifest, mediaType: manifest.mediaType ?? '' };
  } catch {
    return undefined;
  }
}

/** The manifest a reference names: from the registry (tags move), or from the cache by digest or offline. */
async function manifestFor(ref: OciReference, reference: string, ctx: ActionContext, label: string): Promise<FetchedManifest> {
  const byDigest = DIGEST_RE.test(reference);
  if (byDigest) {
    const hit = cachedManifest(ctx, reference);
    if (hit) return hit;
  }
  if (ctx.repos.offline) {
    const digest = byDigest ? reference : ctx.cache.read('oci-refs', refKey(ref, reference))?.toString('utf8');
    const hit = digest ? cachedManifest(ctx, digest) : undefined;
    if (!hit) throw offline(label);
    return hit;
  }
  const m = await ctx.oci.client(ref.registry).manifest(ref.repository, reference);
  ctx.cache.write('oci-manifests', m.digest.replace(/^sha256:/, ''), m.bytes);
  if (!byDigest) ctx.cache.write('oci-refs', refKey(ref, reference), m.digest);
  return m;
}

/** The chart layer's bytes: from the archive cache (by sha256, as repositories' archives) or the registry, verified. */
async function chartBlob(ref: OciReference, layer: Descriptor, ctx: ActionContext, label: string): Promise<{ data: Buffer; fromCache: boolean }> {
  const byHash = typeof layer.digest === 'string' && layer.digest.startsWith('sha256:');
  const h = byHash ? layer.digest.slice('sha256:'.length) : '';
  const hit = byHash && /^[0-9a-f]{64}$/.test(h) ? ctx.cache.read('archives', h) : undefined;
  if (hit && hex(hit) === h) return { data: hit, fromCache: true };
  if (ctx.repos.offline) throw offline(`${label} (${layer.digest})`);
  const data = await ctx.oci.client(ref.registry).blob(ref.repository, layer, label);
  ctx.cache.write('archives', hex(data), data);
  return { data, fromCache: false };
}

/** Reads name and version from the archive's Chart.yaml (the rest is not unpacked). */
function archiveMetadata(data: Buffer, label: string) {
  const { files, topDir } = readChartArchive(data, label, { ...DEFAULT_LIMITS }, { onlyChartYaml: true });
  const chartYaml = files.find((f) => f.name === 'Chart.yaml');
  if (!chartYaml) throw new ChartroomError('OCI_NOT_A_CHART', `${label}: the chart layer has no Chart.yaml`);
  return parseChartMetadata(chartYaml.data.toString('utf8'), `${label}#${topDir}/Chart.yaml`).metadata;
}

/**
 * Charts in OCI registries, as helm pulls them: `oci://host/path/name` with `--version` (an exact version is
 * one tag; a range is resolved over the repository's tags), `oci://…/name:1.2.3`, `oci://…/name@sha256:…`,
 * and dependencies with `repository: oci://host/path`.
 */
export const ociSource: ChartSource<OciRef> = {
  scheme: 'oci',
  fetchesExactVersions: true,
  parseArgument(arg) {
    if (!arg.startsWith('oci://')) return undefined;
    const reference = parseOciReference(arg);
    return { display: arg, name: reference.repository.slice(reference.repository.lastIndexOf('/') + 1), repositoryKey: `oci://${reference.registry}/${reference.repository}`, reference };
  },
  parseDependency(dep) {
    if (!dep.repository.startsWith('oci://')) return undefined;
    const full = `${dep.repository.replace(/\/+$/, '')}/${dep.name}`;
    const reference = parseOciReference(full);
    if (reference.tag !== undefined || reference.digest !== undefined) {
      throw new ChartroomError('OCI_REFERENCE', `dependency ${dep.name}: ${dep.repository} names a tag or digest; the version goes in the dependency's version field`, { hint: 'repository: oci://HOST/PATH, version: RANGE' });
    }
    return { display: dep.repository, reference, name: dep.name, repositoryKey: dep.repository };
  },
  async versions(ref, ctx) {
    const r = ref.reference;
    if (r.digest !== undefined) return undefined;
    // A reference with a tag names one chart, as helm takes it: a prerelease or `latest` needs no --devel.
    if (r.tag !== undefined) return undefined;
    if (ctx.repos.offline) {
      let cached: unknown;
      try {
        cached = JSON.parse(ctx.cache.read('oci-tags', tagsKey(r))?.toString('utf8') ?? 'null');
      } catch {
        // a damaged entry is a miss
      }
      if (!Array.isArray(cached)) throw offline(`the tags of oci://${r.registry}/${r.repository}`);
      return tagVersions(cached.filter((t): t is string => typeof t === 'string'));
    }
    const tags = await ctx.oci.client(r.registry).tags(r.repository);
    if (tags === null) return null;
    ctx.cache.write('oci-tags', tagsKey(r), JSON.stringify(tags));
    return tagVersions(tags);
  },
  async fetch(ref, version, ctx): Promise<OciFetchedChart> {
    const r = ref.reference;
    const reference = r.digest ?? (version !== undefined ? tagOf(version) : r.tag);
    if (reference === undefined) throw new ChartroomError('CHART_REF', `${ref.display}: which version? give --version, or name a tag (…:1.2.3) or digest (…@sha256:…)`);
    const label = labelOf(r, reference);
    const m = await manifestFor(r, reference, ctx, label);
    const layers = checkChartManifest(m, label);
    const { data, fromCache } = await chartBlob(r, layers.chart, ctx, label);
    const md = archiveMetadata(data, label);
    const digest = hex(data);
    ctx.log.debug(`${label}: manifest ${m.digest}, chart ${layers.chart.digest}${fromCache ? ' (cached)' : ''}`);
    return { name: md.name, version: md.version, url: label, digest, data, fromCache, reference: { ...r, ...(DIGEST_RE.test(reference) ? {} : { tag: reference }) }, manifestDigest: m.digest, provLayer: layers.prov };
  },
};

/** Whether a fetched chart came from a registry (and so has a manifest and maybe a provenance layer). */
export function isOciFetched(f: FetchedChart): f is OciFetchedChart {
  return typeof (f as Partial<OciFetchedChart>).manifestDigest === 'string';
}

/** The provenance layer of a pulled chart, verified; undefined when the chart was pushed without one. */
export async function fetchOciProvenance(ctx: ActionContext, f: OciFetchedChart): Promise<Buffer | undefined> {
  if (!f.provLayer) return undefined;
  if (ctx.repos.offline) throw offline(`the provenance of ${f.url}`);
  return ctx.oci.client(f.reference.registry).blob(f.reference.repository, f.provLayer, `${formatReference(f.reference)} provenance`);
}
