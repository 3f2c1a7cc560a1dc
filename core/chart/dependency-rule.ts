import * as semver from '../semver-lib.js';
import { parseConstraint, satisfies } from '../semver-range.js';

/**
 * The one rule for "this chart version satisfies this dependency's range", used by `dependency
 * update|build|list`, `package`, `template` and `lint` alike: Helm's constraint rules (Masterminds/semver),
 * so a prerelease such as `1.1.0-rc.1` satisfies only a range that names a prerelease (`^1.1.0-0`,
 * `>=1.0.0-0`). No range, or an empty one, accepts any version. A range that does not parse accepts none.
 */
export function satisfiesDependency(version: string, range: string | undefined): boolean {
  if (range === undefined || range.trim() === '') return true;
  try {
    return satisfies(version, parseConstraint(range));
  } catch {
    return false;
  }
}

/** Why a version does not satisfy a range, in words a user can act on. */
export function explainUnsatisfied(version: string, range: string): string {
  try {
    parseConstraint(range);
  } catch (e) {
    return `${JSON.stringify(range)} is not a valid version range: ${(e as Error).message}`;
  }
  const v = semver.parse(version.replace(/^v/, ''), { loose: true });
  if (!v) return `${JSON.stringify(version)} is not a SemVer version`;
  if (v.prerelease.length > 0 && satisfies(v, range, { includePrerelease: true })) {
    return `${version} is a prerelease, and a prerelease satisfies only a range that names one (e.g. ^${v.major}.${v.minor}.${v.patch}-0 or >=${v.major}.${v.minor}.0-0)`;
  }
  return `${version} is outside ${range}`;
}
