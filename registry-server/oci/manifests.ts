import { createHash } from 'node:crypto';
import { ChartroomError } from '../../core/errors.js';
import { DEFAULT_LIMITS } from '../../core/chart/archive.js';
import { loadChartArchiveAsync } from '../../core/chart/loader.js';
import { chartLayers, DIGEST_RE, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST, versionOfTag, type Descriptor, type ImageManifest } from '../../core/oci/format.js';
import { checkProvenance, MAX_PROV_BYTES } from '../provenance.js';
import { blobStorageKey, checkChartName, type BlobRef, type VersionCommit } from '../registry.js';
import type { ObjectStore } from '../storage/object-store.js';

/** The distribution spec's floor for what a registry accepts as a manifest; larger ones are refused before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A config blob is Chart.yaml as JSON: a few kilobytes. */
const MAX_CONFIG_BYTES = 1024 * 1024;

const HELM_ONLY = 'this registry stores Helm charts';
const INDEX_TYPES = new Set([MEDIA_TYPE_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json']);
const MANIFEST_TYPES = new Set([MEDIA_TYPE_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST]);

const invalid = (message: string, hint?: string) => new ChartroomError('MANIFEST_INVALID', message, hint ? { hint } : {});
const hexOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A descriptor's sha256 hex and size, checked: MANIFEST_INVALID for anything else. */
function descriptor(d: Descriptor | undefined, what: string): { hex: string; size: number } {
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest) || !Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`the manifest's ${what} is not a descriptor with a digest and a size`);
  if (!d.digest.startsWith('sha256:')) throw new ChartroomError('UNSUPPORTED', `the manifest's ${what} has a ${d.digest.split(':')[0]} digest; this registry stores sha256 blobs`);
  return { hex: d.digest.slice('sha256:'.length), size: d.size };
}

export interface PushedManifest {
  /** The manifest exactly as the client sent it (at most MAX_MANIFEST_BYTES; the caller checked). */
  bytes: Buffer;
  /** The request's Content-Type, used when the manifest names no mediaType. */
  contentType?: string;
  repo: string;
  /** The chart the repository name ends with. */
  chart: string;
  /** The tag it is pushed under, when pushed by tag. */
  tag?: string;
  /** The largest chart archive the registry takes (--max-upload-size). */
  maxArchiveBytes: number;
}

/**
 * Reads a manifest pushed over OCI as a Helm chart, and turns it into the commit a publish makes. Refused (with
 * the spec's code and a message that says why): what is not a Helm chart's image manifest (MANIFEST_INVALID, or
 * UNSUPPORTED for indexes), blobs the repository does not have with the named size (MANIFEST_BLOB_UNKNOWN), an
 * archive that does not load as a chart exactly as a publish loads it, a chart whose name is not the
 * repository's last component or whose version is not the tag's, a config blob that is not that chart's
 * Chart.yaml as JSON, and a provenance layer that does not name the archive's digest.
 */
export async function chartCommitOf(store: ObjectStore, m: PushedManifest): Promise<VersionCommit> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(m.bytes.toString('utf8'));
  } catch (e) {
    throw invalid(`the manifest is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('the manifest is not a JSON object');
  const manifest = parsed as ImageManifest & { manifests?: unknown };
  const mediaType = manifest.mediaType ?? (m.contentType && MANIFEST_TYPES.has(m.contentType) ? m.contentType : MEDIA_TYPE_MANIFEST);
  if (typeof mediaType !== 'string' || INDEX_TYPES.has(mediaType) || manifest.manifests !== undefined) {
    throw new ChartroomError('UNSUPPORTED', `${HELM_ONLY}: an image index (${String(mediaType)}) is not one`, { hint: 'push a chart with helm push or chart push' });
  }
  if (!MANIFEST_TYPES.has(mediaType)) throw invalid(`${HELM_ONLY}: manifest media type ${JSON.stringify(mediaType)} is not an image manifest's`);
  const layers = chartLayers(manifest);
  if ('refused' in layers) throw invalid(layers.refused.includes(HELM_ONLY) ? layers.refused : `${HELM_ONLY}: ${layers.refused}`, 'push a chart with helm push or chart push');

  const config = descriptor(manifest.config, 'config');
  const chart = descriptor(layers.chart, 'chart layer');
  const prov = layers.prov ? descriptor(layers.prov, 'provenance layer') : undefined;
  if (chart.size > m.maxArchiveBytes) throw new ChartroomError('MANIFEST_INVALID', `the chart layer is larger than the upload limit of ${m.maxArchiveBytes} bytes`);
  if (config.size > MAX_CONFIG_BYTES) throw invalid(`the config blob is larger than ${MAX_CONFIG_BYTES} bytes; a chart's config is its Chart.yaml as JSON`);
  if (prov && prov.size > MAX_PROV_BYTES) throw invalid(`the provenance layer is larger than ${MAX_PROV_BYTES} bytes`);
  const subject = manifest.subject === undefined ? undefined : descriptor(manifest.subject, 'subject');

  // Every blob it names must be in this repository's blobs, with the size the manifest says.
  const missing: string[] = [];
  for (const d of [config, chart, prov]) {
    if (!d) continue;
    const info = await store.head(blobStorageKey(m.repo, d.hex));
    if (!info || info.size !== d.size) missing.push(`sha256:${d.hex}`);
  }
  if (missing.length) throw new ChartroomError('MANIFEST_BLOB_UNKNOWN', `the manifest names blobs this repository does not have (with that size): ${missing.join(', ')}`, { hint: 'push the blobs before the manifest' });

  const archive = await store.get(blobStorageKey(m.repo, chart.hex));
  const configBlob = await store.get(blobStorageKey(m.repo, config.hex));
  const provBlob = prov ? await store.get(blobStorageKey(m.repo, prov.hex)) : undefined;
  if (!archive || !configBlob || (prov && !provBlob)) throw new ChartroomError('MANIFEST_BLOB_UNKNOWN', 'a blob the manifest names vanished while it was checked; push again');

  // The archive is read exactly as a publish reads it (same limits, on the thread pool).
  const loaded = await loadChartArchiveAsync(archive.body, `${m.chart}.tgz`, { ...DEFAULT_LIMITS });
  const md = loaded.metadata;
  checkChartName(md.name);
  if (md.name !== m.chart) throw invalid(`the chart in this manifest is ${JSON.stringify(md.name)}, but the repository is ${JSON.stringify(m.chart)}`, `push it to …/${md.name}`);
  const topDir = loaded.source.slice(loaded.source.lastIndexOf('#') + 1);
  if (topDir !== md.name) throw invalid(`the archive's folder ${JSON.stringify(topDir)} is not the chart's name ${JSON.stringify(md.name)}`, 'package the chart with chart package or helm package');
  if (m.tag !== undefined && versionOfTag(m.tag) !== md.version) throw invalid(`tag ${JSON.stringify(m.tag)} is not the chart's version ${JSON.stringify(md.version)}`, 'a chart is tagged with its version ("+" written "_")');

  let cfg: unknown;
  try {
    cfg = JSON.parse(configBlob.body.toString('utf8'));
  } catch {
    throw invalid('the config blob is not JSON; a chart\'s config is its Chart.yaml as JSON');
  }
  const c = cfg as { name?: unknown; version?: unknown } | null;
  if (!c || typeof c !== 'object' || c.name !== md.name || c.version !== md.version) throw invalid(`the config blob is not the Chart.yaml of ${md.name} ${md.version}`);
  if (prov && provBlob) checkProvenance(provBlob.body, `${md.name}-${md.version}.tgz`, chart.hex);

  const ref = (d: { hex: string; size: number }): BlobRef => ({ hex: d.hex, size: d.size });
  return {
    repo: m.repo,
    metadata: md,
    created: new Date().toISOString(),
    archive: ref(chart),
    prov: prov ? ref(prov) : undefined,
    config: ref(config),
    manifest: {
      hex: hexOf(m.bytes),
      size: m.bytes.length,
      body: m.bytes,
      mediaType,
      subject: subject ? `sha256:${subject.hex}` : undefined,
      artifactType: typeof manifest.artifactType === 'string' && manifest.artifactType ? manifest.artifactType : manifest.config.mediaType,
    },
  };
}
