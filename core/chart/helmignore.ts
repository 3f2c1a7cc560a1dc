import ignore, { type Ignore } from 'ignore';

/** Patterns Helm always applies, whatever `.helmignore` says. */
const DEFAULTS = ['templates/.?*'];

/** The ignore rules of one chart folder (`.helmignore`, Helm's syntax: globs, `!`, trailing `/`). */
export class IgnoreRules {
  private readonly matcher: Ignore;

  constructor(helmignoreText?: string) {
    this.matcher = ignore({ allowRelativePaths: true }).add(DEFAULTS);
    if (helmignoreText) {
      const lines = helmignoreText
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      this.matcher.add(lines);
    }
  }

  /** Whether a path relative to the chart root is ignored; folders are tested with a trailing `/`. */
  ignores(relPath: string, isDir = false): boolean {
    if (relPath === '.helmignore' || relPath === 'Chart.yaml') return false;
    return this.matcher.ignores(isDir ? `${relPath}/` : relPath);
  }
}
