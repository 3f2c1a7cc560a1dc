import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chartLayers, chartManifest, digestOf, helmConfigJson, tagOf, TAG_RE, versionOfTag, type ImageManifest } from '../../core/oci/format.js';
import type { ChartMetadata } from '../../core/chart/metadata.js';
import { isStrictVersion, tagVersions } from '../../core/sources/oci.js';

const md: ChartMetadata = {
  apiVersion: 'v2',
  name: 'web',
  version: '1.2.3+build.4',
  description: 'a <web> & chart',
  appVersion: '2.0',
  keywords: ['a', 'b'],
  maintainers: [{ name: 'Ada', email: 'ada@example.com' }],
  annotations: { zeta: 'z', alpha: 'a' },
  dependencies: [{ name: 'db', version: '^1.0.0', repository: 'oci://h/charts', alias: 'database' }, { name: 'local' }],
  type: 'application',
} as ChartMetadata;

describe("Helm's OCI format", () => {
  it("writes the config blob as Go's json.Marshal of Helm's Metadata: field order, omitempty, HTML escapes, sorted annotations", () => {
    expect(helmConfigJson(md)).toBe(
      '{"name":"web","version":"1.2.3+build.4","description":"a \\u003cweb\\u003e \\u0026 chart","keywords":["a","b"],"maintainers":[{"name":"Ada","email":"ada@example.com"}],"apiVersion":"v2","appVersion":"2.0","annotations":{"alpha":"a","zeta":"z"},"dependencies":[{"name":"db","version":"^1.0.0","repository":"oci://h/charts","alias":"database"},{"name":"local","repository":""}],"type":"application"}',
    );
  });

  it("writes a manifest whose digest is its bytes' sha256, with the chart and provenance layers", () => {
    const art = { config: Buffer.from(helmConfigJson(md)), archive: Buffer.from('tgz'), prov: Buffer.from('prov') };
    const m = chartManifest(md, art, '2026-01-02T03:04:05Z');
    expect(m.digest).toBe(`sha256:${createHash('sha256').update(m.bytes).digest('hex')}`);
    const parsed = JSON.parse(m.bytes.toString()) as ImageManifest;
    expect(parsed.config).toEqual({ mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digestOf(art.config), size: art.config.length });
    expect(parsed.layers.map((l) => [l.mediaType, l.digest, l.size])).toEqual([
      ['application/vnd.cncf.helm.chart.content.v1.tar+gzip', digestOf(art.archive), 3],
      ['application/vnd.cncf.helm.chart.provenance.v1.prov', digestOf(art.prov), 4],
    ]);
    expect(Object.keys(parsed.annotations!)).toEqual([...Object.keys(parsed.annotations!)].sort());
    expect(parsed.annotations!['org.opencontainers.image.created']).toBe('2026-01-02T03:04:05Z');
    expect(chartLayers(parsed)).toEqual({ chart: parsed.layers[0], prov: parsed.layers[1] });
  });

  it('refuses manifests that are not charts', () => {
    const layer = { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: digestOf('x'), size: 1 };
    const config = { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digestOf('{}'), size: 2 };
    expect(chartLayers({ schemaVersion: 2, config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [layer] })).toHaveProperty('refused');
    expect(chartLayers({ schemaVersion: 2, config, layers: [] })).toHaveProperty('refused');
    expect(chartLayers({ schemaVersion: 2, config, layers: [layer, layer] })).toHaveProperty('refused');
    expect(chartLayers({ schemaVersion: 2, config, layers: [layer, { ...layer, mediaType: 'application/octet-stream' }] })).toHaveProperty('refused');
  });

  it('maps versions to tags and back; only strict SemVer tags are versions, newest first', () => {
    expect(tagOf('1.2.3+build.4')).toBe('1.2.3_build.4');
    expect(versionOfTag('1.2.3_build.4')).toBe('1.2.3+build.4');
    expect(TAG_RE.test(tagOf('1.0.0-rc.1+x.y'))).toBe(true);
    expect(['1.2.3', '1.2.3+b.1', '1.2.3-rc.1+b', 'v1.2.3', '=1.2.3', '1.2', '01.2.3', '1.2.3 '].map(isStrictVersion)).toEqual([true, true, true, false, false, false, false, false]);
    expect(tagVersions(['1.0.0', 'latest', 'v2.0.0', '1.10.0', '1.2', '1.2.0_meta', '01.0.0', '1.11.0-rc.1', '1.0.0'])).toEqual(['1.11.0-rc.1', '1.10.0', '1.2.0+meta', '1.0.0']);
  });
});
