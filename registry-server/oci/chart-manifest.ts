import { createHash } from 'node:crypto';
import type { ChartMetadata } from '../../core/chart/metadata.js';
import { chartManifest, helmConfigJson, MEDIA_TYPE_HELM_CHART, MEDIA_TYPE_HELM_PROV, MEDIA_TYPE_MANIFEST } from '../../core/oci/format.js';
import type { IndexEntry } from '../../core/repo/index-file.js';

/** A blob as a manifest names it: hex sha256 and size. */
export interface BlobDescriptor {
  hex: string;
  size: number;
}

/** A chart manifest made here: its bytes, digest (hex) and media type, and the config blob it names. */
export interface BuiltManifest {
  bytes: Buffer;
  hex: string;
  mediaType: string;
  config: Buffer;
}

const hexOf = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Stand-ins for the layers, distinct from each other, whose descriptors are replaced by the real ones. */
const ARCHIVE_STAND_IN = Buffer.from('chart-archive-stand-in');
const PROV_STAND_IN = Buffer.from('provenance-stand-in');

const descriptorText = (mediaType: string, digest: string, size: number) => JSON.stringify({ mediaType, digest, size });

/** The chart metadata an index entry holds (Chart.yaml's fields; urls, created and digest are not read). */
export function metadataOf(entry: IndexEntry): ChartMetadata {
  return entry as unknown as ChartMetadata;
}

/**
 * The manifest `chartManifest` makes for a chart, from the layers' digests and sizes rather than their bytes,
 * so a manifest can be computed for a stored version without reading its archive. The text is chartManifest's
 * own, made with stand-in layers whose descriptors are then replaced by the real ones: the bytes are exactly
 * what chartManifest gives for the real layers (a test holds them equal).
 */
export function chartManifestFor(md: ChartMetadata, archive: BlobDescriptor, prov: BlobDescriptor | undefined, created: string, config: Buffer = Buffer.from(helmConfigJson(md))): BuiltManifest {
  const made = chartManifest(md, { config, archive: ARCHIVE_STAND_IN, prov: prov ? PROV_STAND_IN : undefined }, created);
  let text = made.bytes.toString('utf8');
  const swap = (mediaType: string, standIn: Buffer, real: BlobDescriptor) => {
    const from = descriptorText(mediaType, `sha256:${hexOf(standIn)}`, standIn.length);
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`chart manifest layout changed: the ${mediaType} layer descriptor was not found once`);
    text = text.slice(0, at) + descriptorText(mediaType, `sha256:${real.hex}`, real.size) + text.slice(at + from.length);
  };
  swap(MEDIA_TYPE_HELM_CHART, ARCHIVE_STAND_IN, archive);
  if (prov) swap(MEDIA_TYPE_HELM_PROV, PROV_STAND_IN, prov);
  const bytes = Buffer.from(text);
  return { bytes, hex: hexOf(bytes), mediaType: MEDIA_TYPE_MANIFEST, config };
}

/** The manifest of a chart whose bytes are at hand, as `chartManifest` makes it. */
export function chartManifestOf(md: ChartMetadata, archive: Buffer, prov: Buffer | undefined, created: string): BuiltManifest {
  const config = Buffer.from(helmConfigJson(md));
  const made = chartManifest(md, { config, archive, prov }, created);
  return { bytes: made.bytes, hex: made.digest.slice('sha256:'.length), mediaType: MEDIA_TYPE_MANIFEST, config };
}
