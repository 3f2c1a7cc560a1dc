import { crypto } from '../builtin.js';
import type { ChartMetadata } from '../chart/metadata.js';

/**
 * Helm's OCI format for charts (helm push / helm pull, Helm 3.8 on): one image manifest whose config is the
 * chart's Chart.yaml as JSON and whose layers are the chart archive and, when signed, its provenance file.
 * Used by the CLI's OCI client and by the registry's OCI API alike, so both write and accept the same thing.
 */

export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const MEDIA_TYPE_HELM_CHART = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const MEDIA_TYPE_HELM_PROV = 'application/vnd.cncf.helm.chart.provenance.v1.prov';
/** Older Helm (before 3.7) pushed this layer type; still accepted when pulling. */
export const MEDIA_TYPE_HELM_CHART_LEGACY = 'application/tar+gzip';

export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_VERSION = 'org.opencontainers.image.version';
export const ANNOTATION_DESCRIPTION = 'org.opencontainers.image.description';
export const ANNOTATION_URL = 'org.opencontainers.image.url';
export const ANNOTATION_SOURCE = 'org.opencontainers.image.source';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_AUTHORS = 'org.opencontainers.image.authors';

/** A content descriptor: what a manifest says of a blob. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

/** An OCI image manifest as this registry and client read it (other fields are kept in the stored bytes). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** `sha256:<hex>` of some bytes. */
export function digestOf(data: Buffer | string): string {
  return `sha256:${crypto().createHash('sha256').update(data).digest('hex')}`;
}

/** A digest as the distribution spec writes it; only sha256 (and sha512) are recognised. */
export const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** OCI tags may not hold `+`: Helm writes a SemVer version's build metadata with `_` instead. */
export function tagOf(version: string): string {
  return version.replace(/\+/g, '_');
}

/** The version a tag stands for (`1.2.3_build.1` → `1.2.3+build.1`). */
export function versionOfTag(tag: string): string {
  return tag.replace(/_/g, '+');
}

/** The distribution spec's tag grammar. */
export const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/**
 * Go's encoding/json string escaping (what Helm's config blob holds): `<`, `>` and `&` as \u003c, \u003e,
 * \u0026, and U+2028/U+2029 escaped too; otherwise as JSON.stringify writes it.
 */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type GoJson = string | boolean | number | GoJson[] | { [k: string]: GoJson } | undefined;

/** Go's json.Marshal of fields in the order given (struct order; maps are sorted by the caller). */
function goJson(value: GoJson): string {
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v)).join(',')}]`;
  const obj = value as Record<string, GoJson>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${goJsonString(k)}:${goJson(obj[k])}`)
    .join(',')}}`;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

function ordered(fields: [string, unknown, boolean?][]): Record<string, GoJson> {
  const out: Record<string, GoJson> = {};
  // The third element: keep even when empty (Go fields without omitempty).
  for (const [k, v, keep] of fields) if (keep ? v !== undefined : present(v)) out[k] = v as GoJson;
  return out;
}

/** The config blob: Chart.yaml as JSON, with the fields in the order (and `omitempty` rules) of Helm's Metadata. */
export function helmConfigJson(md: ChartMetadata): string {
  const annotations = md.annotations && Object.keys(md.annotations).length ? Object.fromEntries(Object.keys(md.annotations).sort().map((k) => [k, md.annotations![k]])) : undefined;
  const body = ordered([
    ['name', md.name],
    ['home', md.home],
    ['sources', md.sources],
    ['version', md.version],
    ['description', md.description],
    ['keywords', md.keywords],
    ['maintainers', md.maintainers?.map((m) => ordered([['name', m.name], ['email', m.email], ['url', m.url]]))],
    ['icon', md.icon],
    ['apiVersion', md.apiVersion],
    ['condition', md.condition],
    ['tags', md.tags],
    ['appVersion', md.appVersion],
    ['deprecated', md.deprecated],
    ['annotations', annotations],
    ['kubeVersion', md.kubeVersion],
    [
      'dependencies',
      md.dependencies?.map((d) =>
        ordered([
          ['name', d.name, true],
          ['version', d.version],
          ['repository', d.repository ?? '', true],
          ['condition', d.condition],
          ['tags', d.tags],
          ['enabled', d.enabled],
          ['import-values', d['import-values']],
          ['alias', d.alias],
        ]),
      ),
    ],
    ['type', md.type],
  ]);
  return goJson(body);
}

/** Annotation values Helm writes: non-ASCII characters as `\uXXXX` (some registries accept ASCII only). */
function escapeNonAscii(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp > 0x7f ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/** The manifest annotations Helm writes for a chart: title, version, description, url, created, source, authors, then the chart's own annotations (which cannot replace those). */
export function helmAnnotations(md: ChartMetadata, created: string): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined && v.trim() !== '') out[k] = escapeNonAscii(v);
  };
  add(ANNOTATION_DESCRIPTION, md.description);
  add(ANNOTATION_TITLE, md.name);
  add(ANNOTATION_VERSION, md.version);
  add(ANNOTATION_URL, md.home);
  out[ANNOTATION_CREATED] = created;
  if (md.sources?.length) add(ANNOTATION_SOURCE, md.sources[0]);
  if (md.maintainers?.length) {
    const authors = md.maintainers.map((m) => `${m.name ?? ''}${m.email ? ` (${m.email})` : ''}`).join(', ');
    add(ANNOTATION_AUTHORS, authors);
  }
  const fixed = new Set(Object.keys(out));
  for (const [k, v] of Object.entries(md.annotations ?? {})) if (!fixed.has(k) && !(k in out)) out[k] = escapeNonAscii(String(v));
  return out;
}

/** The pieces of a chart as pushed: the config blob, the archive, and the provenance file. */
export interface ChartArtifact {
  config: Buffer;
  archive: Buffer;
  prov?: Buffer;
}

/** A chart's manifest (bytes as they are pushed and stored), with its descriptors. */
export function chartManifest(md: ChartMetadata, art: ChartArtifact, created: string): { manifest: ImageManifest; bytes: Buffer; digest: string } {
  const layers: Descriptor[] = [{ mediaType: MEDIA_TYPE_HELM_CHART, digest: digestOf(art.archive), size: art.archive.length }];
  if (art.prov) layers.push({ mediaType: MEDIA_TYPE_HELM_PROV, digest: digestOf(art.prov), size: art.prov.length });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_MANIFEST,
    config: { mediaType: MEDIA_TYPE_HELM_CONFIG, digest: digestOf(art.config), size: art.config.length },
    layers,
    annotations: helmAnnotations(md, created),
  };
  // Fields in the order of Go's ocispec.Manifest and Descriptor; the annotations map with sorted keys, as
  // json.Marshal writes a map.
  const annotations = Object.fromEntries(Object.keys(manifest.annotations!).sort().map((k) => [k, manifest.annotations![k]]));
  const text = goJson(
    ordered([
      ['schemaVersion', manifest.schemaVersion],
      ['mediaType', manifest.mediaType],
      ['config', manifest.config as unknown as GoJson],
      ['layers', manifest.layers as unknown as GoJson],
      ['annotations', annotations],
    ]),
  );
  const bytes = Buffer.from(text);
  return { manifest, bytes, digest: digestOf(bytes) };
}

/** What a manifest must be to be a Helm chart here; a reason when it is not. */
export function chartLayers(m: ImageManifest): { chart: Descriptor; prov?: Descriptor } | { refused: string } {
  if (m.schemaVersion !== 2) return { refused: 'schemaVersion must be 2' };
  if (m.config?.mediaType !== MEDIA_TYPE_HELM_CONFIG) return { refused: `config media type ${JSON.stringify(m.config?.mediaType)} is not a Helm chart's (${MEDIA_TYPE_HELM_CONFIG}): this registry stores Helm charts only` };
  if (!Array.isArray(m.layers)) return { refused: 'layers must be a list' };
  const charts = m.layers.filter((l) => l.mediaType === MEDIA_TYPE_HELM_CHART || l.mediaType === MEDIA_TYPE_HELM_CHART_LEGACY);
  const provs = m.layers.filter((l) => l.mediaType === MEDIA_TYPE_HELM_PROV);
  if (charts.length !== 1) return { refused: `a chart manifest has exactly one layer of type ${MEDIA_TYPE_HELM_CHART}; this one has ${charts.length}` };
  if (provs.length > 1) return { refused: 'a chart manifest has at most one provenance layer' };
  const other = m.layers.find((l) => l.mediaType !== MEDIA_TYPE_HELM_CHART && l.mediaType !== MEDIA_TYPE_HELM_CHART_LEGACY && l.mediaType !== MEDIA_TYPE_HELM_PROV);
  if (other) return { refused: `layer media type ${JSON.stringify(other.mediaType)} is not part of a Helm chart` };
  return { chart: charts[0], prov: provs[0] };
}
