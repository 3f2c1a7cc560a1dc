import { ChartroomError } from '../errors.js';

/**
 * `.helmignore` as Helm reads it (pkg/ignore): one rule per line, trimmed; blank lines and `#` comments
 * skipped; Go's `filepath.Match` globs (`*` and `?` stop at `/`, `[a-z]`, `[^a-z]`, `\` escapes); a trailing `/`
 * matches folders only; a rule without `/` matches a name at any depth, one with `/` (or a leading `/`) the
 * whole path from the chart's root. `**` is refused, as Helm refuses it. A folder that matches is left out
 * with everything in it.
 *
 * `!` rules re-include what an earlier rule left out (the last rule that matches decides), as Helm's
 * documentation describes; helm itself leaves out every path a `!` rule does not match, and then finds no
 * Chart.yaml. Chart.yaml and .helmignore are never left out.
 */

/** Patterns Helm always applies after the file's own, whatever `.helmignore` says. */
const DEFAULTS = ['templates/.?*'];

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  /** Matches the whole path (the rule has a `/`), else the last segment. */
  wholePath: boolean;
  re: RegExp;
}

/** A Go `filepath.Match` pattern as an anchored RegExp; null when Go would answer ErrBadPattern. */
export function globRegExp(pattern: string): RegExp | null {
  let src = '';
  let i = 0;
  const cps = Array.from(pattern);
  const lit = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;
  /** One character of a class, with `\` escapes; null at a `-`, a `]` or the end, as Go's getEsc. */
  const classChar = (): string | null => {
    let c = cps[i];
    if (c === undefined || c === '-' || c === ']') return null;
    if (c === '\\') {
      i++;
      c = cps[i];
      if (c === undefined) return null;
    }
    i++;
    return c;
  };
  while (i < cps.length) {
    const c = cps[i];
    if (c === '*') {
      src += '[^/]*';
      i++;
    } else if (c === '?') {
      src += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= cps.length) return null;
      src += lit(cps[i + 1]);
      i += 2;
    } else if (c === '[') {
      i++;
      let negated = false;
      if (cps[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: string[] = [];
      for (let n = 0; ; n++) {
        if (cps[i] === ']' && n > 0) {
          i++;
          break;
        }
        const lo = classChar();
        if (lo === null) return null;
        let hi = lo;
        if (cps[i] === '-') {
          i++;
          const h = classChar();
          if (h === null) return null;
          hi = h;
        }
        // A backwards range matches nothing in Go; JavaScript would refuse it.
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) ranges.push(lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`);
      }
      src += ranges.length ? `[${negated ? '^' : ''}${ranges.join('')}]` : negated ? '[^]' : '[]';
    } else {
      src += lit(c);
      i++;
    }
  }
  return new RegExp(`^${src}$`, 'u');
}

/** The ignore rules of one chart folder (`.helmignore`, Helm's syntax). */
export class IgnoreRules {
  private readonly rules: Rule[] = [];
  private readonly anyNegated: boolean;

  /** `file` names the .helmignore in errors. */
  constructor(helmignoreText?: string, file = '.helmignore') {
    const lines = helmignoreText === undefined ? [] : helmignoreText.split('\n');
    lines.forEach((line, n) => this.add(line, file, n + 1));
    for (const d of DEFAULTS) this.add(d, file, 0);
    this.anyNegated = this.rules.some((r) => r.negate);
  }

  private add(line: string, file: string, lineNo: number): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    const where = { file, line: lineNo || undefined, snippet: lineNo ? line : undefined };
    if (rule.includes('**')) throw new ChartroomError('HELMIGNORE', `${file}: double-star (**) syntax is not supported (helm refuses it too)`, { ...where, hint: 'use one rule per folder level, such as docs/* and docs/*/*' });
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const dirOnly = rule.endsWith('/');
    if (dirOnly) rule = rule.slice(0, -1);
    const wholePath = rule.includes('/');
    if (rule.startsWith('/')) rule = rule.slice(1);
    // Helm checks the line as written (with its `!` and `/`); a rule that only breaks once taken apart
    // (`foo\/`) never matches, as in Helm.
    if (globRegExp(line.trim()) === null) throw new ChartroomError('HELMIGNORE', `${file}: syntax error in pattern ${JSON.stringify(line.trim())}`, { ...where, hint: "Go's filepath.Match syntax: * ? [a-z] [^a-z], and \\ to escape" });
    const re = globRegExp(rule);
    if (re === null) return;
    this.rules.push({ negate, dirOnly, wholePath, re });
  }

  /** Whether a path relative to the chart root is ignored; folders are tested with `isDir`. */
  ignores(relPath: string, isDir = false): boolean {
    if (relPath === '.helmignore' || relPath === 'Chart.yaml' || relPath === '') return false;
    const base = relPath.slice(relPath.lastIndexOf('/') + 1);
    const matches = (r: Rule) => !(r.dirOnly && !isDir) && r.re.test(r.wholePath ? relPath : base);
    // Without `!` rules any match decides; with them the last rule that matches does.
    if (!this.anyNegated) return this.rules.some(matches);
    let ignored = false;
    for (const r of this.rules) if (ignored === r.negate && matches(r)) ignored = !r.negate;
    return ignored;
  }
}
