import * as semver from './semver-lib.js';

const cache = new Map<string, semver.SemVer | null>();

/** A version as Helm's semver library reads it: an optional `v`, loose forms such as `1.2`; null when it is not one. */
export function parseVersion(v: string): semver.SemVer | null {
  let parsed = cache.get(v);
  if (parsed === undefined) {
    parsed = semver.parse(v.replace(/^v/, ''), { loose: true }) ?? (/^v?\d+(\.\d+)?$/.test(v) ? semver.coerce(v) : null);
    if (cache.size > 10_000) cache.clear();
    cache.set(v, parsed);
  }
  return parsed;
}

/**
 * The one newest-first order of chart versions (indexes, the resolver, the registry): by SemVer precedence,
 * ties (`1.0.0` and `v1.0.0`, build metadata) broken by the text so the order is total; versions that are not
 * SemVer go last, by their text.
 */
export function compareVersionsDesc(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  // The parsed versions compared as they are (semver.rcompare would parse both again on every call).
  if (va && vb) return vb.compare(va) || (a < b ? 1 : a > b ? -1 : 0);
  if (va) return -1;
  if (vb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Versions sorted newest first (a new array). */
export function sortVersionsDesc(versions: string[]): string[] {
  return [...versions].sort(compareVersionsDesc);
}
