import * as semver from './semver-lib.js';

/**
 * Helm's version constraints (Masterminds/semver v3) evaluated with `semver`.
 * `,` or spaces mean AND, `||` means OR; `~`, `~>`, `^`, `x`/`*`, hyphen ranges, `!=`, `=>`, `=<`.
 * As in Helm, prerelease versions match only an AND group in which some comparator names a prerelease.
 */
export interface Comparator {
  /** The comparator as written, normalised. */
  text: string;
  op: string;
  version: string;
  /** Equivalent node-semver range for this single comparator. */
  range: semver.Range | null;
  hasPrerelease: boolean;
}

export interface Constraint {
  source: string;
  groups: Comparator[][];
}

const OPS = ['!=', '>=', '=>', '<=', '=<', '~>', '>', '<', '=', '~', '^'];
const VERSION_RE = /^v?(\d+|[xX*])(\.(\d+|[xX*]))?(\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function comparator(op: string, version: string, text: string): Comparator {
  if (!VERSION_RE.test(version)) throw new Error(`improper constraint: ${text}`);
  let v = version.replace(/^v/, '');
  // A partial version with a prerelease (`1.20-0`) means the missing parts are 0: 1.20.0-0.
  const m = /^([^-+]*)([-+].*)?$/.exec(v);
  if (m && m[2] && m[2].startsWith('-') && m[1].split('.').length < 3 && !/[xX*]/.test(m[1])) {
    const parts = m[1].split('.');
    while (parts.length < 3) parts.push('0');
    v = parts.join('.') + m[2];
  }
  const hasPrerelease = /^[^+]*-/.test(v);
  let npmOp = op;
  if (op === '=>') npmOp = '>=';
  else if (op === '=<') npmOp = '<=';
  else if (op === '~>') npmOp = '~';
  else if (op === '=' || op === '') npmOp = '';
  let range: semver.Range | null = null;
  if (op !== '!=') range = new semver.Range(`${npmOp}${v}`, { includePrerelease: true });
  return { text, op: op || '=', version: v, range, hasPrerelease };
}

/** Parses a Helm version constraint; throws an Error saying what is wrong. */
export function parseConstraint(input: string): Constraint {
  const source = input.trim();
  if (source === '') return { source, groups: [[comparator('', '*', '*')]] };
  const groups: Comparator[][] = [];
  for (const orPart of source.split('||')) {
    const part = orPart.trim();
    if (part === '') throw new Error(`improper constraint: ${JSON.stringify(input)}`);
    const group: Comparator[] = [];
    const hyphen = part.match(/^(\S+)\s+-\s+(\S+)$/);
    if (hyphen) {
      const lo = comparator('>=', hyphen[1], `>=${hyphen[1]}`);
      const hiText = hyphen[2];
      // An upper bound with missing parts covers them all: 1.2 - 2.3 is <2.4.0.
      const parts = hiText.replace(/^v/, '').split(/[-+]/)[0].split('.');
      let hi: Comparator;
      if (parts.length < 3 || parts.some((p) => /^[xX*]$/.test(p))) hi = comparator('<', bump(parts), `<${hiText}`);
      else hi = comparator('<=', hiText, `<=${hiText}`);
      groups.push([lo, hi]);
      continue;
    }
    // Glue an operator to its version ("> = 1.2" and ">= 1.2" are allowed), then split on commas and spaces.
    const tokens = part.replace(/(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)\s+/g, '$1').split(/[\s,]+/).filter(Boolean);
    for (const tok of tokens) {
      const op = OPS.find((o) => tok.startsWith(o)) ?? '';
      const version = tok.slice(op.length);
      if (version === '') throw new Error(`improper constraint: ${JSON.stringify(input)}`);
      group.push(comparator(op, version, tok));
    }
    groups.push(group);
  }
  return { source, groups };
}

function bump(parts: string[]): string {
  const nums = parts.map((p) => (/^[xX*]$/.test(p) ? -1 : Number(p)));
  const cut = nums.findIndex((n) => n < 0);
  const kept = cut < 0 ? nums : nums.slice(0, cut);
  if (kept.length === 0) return '99999999.0.0';
  kept[kept.length - 1] += 1;
  while (kept.length < 3) kept.push(0);
  return kept.join('.');
}

function checkOne(c: Comparator, v: semver.SemVer, includePrerelease: boolean): boolean {
  if (v.prerelease.length > 0 && !c.hasPrerelease && !includePrerelease) return false;
  if (c.op === '!=') {
    if (/[xX*]/.test(c.version) || c.version.split('.').length < 3) {
      return !new semver.Range(c.version, { includePrerelease: true }).test(v);
    }
    return semver.neq(v, c.version);
  }
  return c.range!.test(v);
}

/** Whether a version satisfies a constraint, with Helm's prerelease rule. */
export function satisfies(version: string | semver.SemVer, constraint: Constraint | string, opts: { includePrerelease?: boolean } = {}): boolean {
  const c = typeof constraint === 'string' ? parseConstraint(constraint) : constraint;
  const v = typeof version === 'string' ? semver.parse(version.replace(/^v/, ''), { loose: true }) : version;
  if (!v) return false;
  // As in Masterminds/semver: one comparator that names a prerelease lets prereleases through its whole AND group.
  return c.groups.some((g) => {
    const pre = (opts.includePrerelease ?? false) || g.some((cmp) => cmp.hasPrerelease);
    return g.every((cmp) => checkOne(cmp, v, pre));
  });
}
