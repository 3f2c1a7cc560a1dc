import * as semver from './semver-lib.js';
import { parseConstraint, satisfies } from './semver-range.js';
import { sortVersionsDesc } from './versions.js';

/** What a chart asks for: a dependency's name, version range, and where to look. */
export interface Requirement {
  name: string;
  range: string;
  /** A key for the repository (its URL), matching a key of `available`. */
  repository: string;
}

export interface Choice {
  name: string;
  version: string;
  repository: string;
}

export interface Unresolved {
  name: string;
  range: string;
  repository: string;
  reason: string;
  /** Versions the repository has, newest first (at most 10). */
  available: string[];
}

export type Resolution = { ok: true; choices: Choice[] } | { ok: false; choices: Choice[]; problems: Unresolved[] };

/**
 * Picks one version for each requirement, as helm does: an exact match of the range text first, else the
 * newest version that satisfies the range (Helm's constraint rules: no prereleases unless the range names
 * one). With `keepLocked`, a locked version that still satisfies the range is kept. Never does I/O.
 */
export function resolve(
  reqs: Requirement[],
  available: Map<string, Map<string, string[]>>,
  opts: { locked?: Choice[]; keepLocked?: boolean } = {},
): Resolution {
  const choices: Choice[] = [];
  const problems: Unresolved[] = [];
  for (const r of reqs) {
    const versions = available.get(r.repository)?.get(r.name);
    if (!versions) {
      problems.push({ ...r, reason: available.has(r.repository) ? `the repository has no chart named ${r.name}` : 'the repository was not loaded', available: [] });
      continue;
    }
    let constraint;
    try {
      constraint = parseConstraint(r.range || '*');
    } catch (e) {
      problems.push({ ...r, reason: `invalid version range: ${(e as Error).message}`, available: versions.slice(0, 10) });
      continue;
    }
    if (opts.keepLocked) {
      const locked = opts.locked?.find((l) => l.name === r.name && l.repository === r.repository);
      if (locked && versions.includes(locked.version) && satisfies(locked.version, constraint)) {
        choices.push({ name: r.name, version: locked.version, repository: r.repository });
        continue;
      }
    }
    let pick = r.range && versions.includes(r.range) ? r.range : undefined;
    if (!pick) {
      for (const v of sortDesc(versions)) {
        if (semver.valid(v.replace(/^v/, ''), { loose: true }) && satisfies(v, constraint)) {
          pick = v;
          break;
        }
      }
    }
    if (pick) choices.push({ name: r.name, version: pick, repository: r.repository });
    else {
      const preMatch = versions.some((v) => semver.prerelease(v.replace(/^v/, '')) && satisfies(v, constraint, { includePrerelease: true }));
      const hint = preMatch ? '; prereleases only match a range that names a prerelease (e.g. >=1.0.0-0)' : '';
      problems.push({ ...r, reason: `no version satisfies ${r.range}${hint}`, available: sortDesc(versions).slice(0, 10) });
    }
  }
  return problems.length ? { ok: false, choices, problems } : { ok: true, choices };
}

/** Newest first (the one order of versions, from core/versions). */
export const sortDesc = sortVersionsDesc;

/** The problems as one readable message. */
export function describeProblems(problems: Unresolved[]): string {
  return problems
    .map((p) => `${p.name} ${p.range} from ${p.repository}: ${p.reason}${p.available.length ? ` (available: ${p.available.join(', ')})` : ''}`)
    .join('\n  ');
}
