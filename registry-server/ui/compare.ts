import { structuredPatch } from 'diff';
import type { ChartPageModel, TemplateSource } from './chart-page.js';
import type { ValuesRow } from './values-table.js';

/** What a comparison reads of a version's page model. */
export type ComparedFields = Pick<ChartPageModel, 'valuesYaml' | 'valuesYamlTruncated' | 'valuesNotice' | 'valuesTable' | 'templates' | 'templatesTruncated'>;

/** One line of a diff as the page shows it. Plain text: the template escapes it. */
export interface DiffLine {
  /** del: only in the old version; ins: only in the new one; ctx: in both; note: a remark such as "No newline at end of file". */
  kind: 'del' | 'ins' | 'ctx' | 'note';
  /** The line's number in the old version (del and ctx lines). */
  oldLine?: number;
  /** The line's number in the new version (ins and ctx lines). */
  newLine?: number;
  text: string;
}

/** A run of changed lines with the unchanged lines around them, as in a unified diff. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** `@@ -oldStart,oldLines +newStart,newLines @@`. */
  header: string;
  lines: DiffLine[];
  /** Set when the hunk's lines were cut (the page's line limits). */
  truncated: boolean;
}

/**
 * A line diff of two texts. `state` says what the page can show: identical texts; hunks; or no hunks because
 * the texts are too different to compare line by line within the work allowed (`too-different`) or the page's
 * budget for line diffs is spent (`skipped`).
 */
export interface TextDiff {
  state: 'identical' | 'changed' | 'too-different' | 'skipped';
  hunks: DiffHunk[];
  /** Lines only in the new text (counted over the whole diff, also what was cut from the page). */
  added: number;
  /** Lines only in the old text. */
  removed: number;
  /** Set when hunks or lines were left out to keep the page bounded. */
  truncated: boolean;
}

/** One key of the values table that differs between the versions. */
export interface ValueChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** The old version's type and default (absent for an added key). */
  oldType?: string;
  oldDefault?: string;
  /** The new version's type and default (absent for a removed key). */
  newType?: string;
  newDefault?: string;
}

/** A template that differs between the versions. */
export interface TemplateChange {
  path: string;
  state: 'added' | 'removed' | 'changed';
  diff: TextDiff;
}

/** What changed from one version of a chart to another: values.yaml, the keys of its values table, the templates. */
export interface CompareModel {
  values: TextDiff;
  valueChanges: ValueChange[];
  /** Set when more keys changed than the page lists. */
  valueChangesTruncated: boolean;
  /** Templates added, removed or changed, by path. */
  templates: TemplateChange[];
  /** How many templates are the same in both versions. */
  unchangedTemplates: number;
  /** Why the comparison is incomplete (inputs cut by the page models, values tables missing), in words for the page. */
  notices: string[];
}

export interface CompareLimits {
  /** Unchanged lines shown around each change. */
  context: number;
  /** Most line edits looked for in one file; past it the file is "too different to show line by line". */
  maxEditLength: number;
  /** Line edits looked for over all the templates of one comparison; once spent, the rest are not compared line by line. */
  templateEditBudget: number;
  /** Most hunks shown for one file. */
  maxHunks: number;
  /** Most lines shown for one file. */
  maxLines: number;
  /** Most lines shown on the whole page. */
  maxLinesTotal: number;
  /** Longest line shown; longer ones end with `…`. */
  maxLineChars: number;
  /** Most rows of the table of changed keys. */
  maxValueChanges: number;
}

/**
 * The bounds of one comparison. Myers' diff costs O((N+M)·D) for D edits: capping D at 1,000 per file keeps a
 * file of a few ten thousand lines under a hundred milliseconds, and the shared template budget keeps a chart with
 * hundreds of rewritten templates to a few files' worth of work.
 */
export const DEFAULT_COMPARE_LIMITS: CompareLimits = {
  context: 3,
  maxEditLength: 1000,
  templateEditBudget: 3000,
  maxHunks: 100,
  maxLines: 2000,
  maxLinesTotal: 5000,
  maxLineChars: 1000,
  maxValueChanges: 1000,
};

/** Lines shown so far on a page, against its limit. */
interface LineBudget {
  left: number;
}

function cutLine(text: string, limits: CompareLimits): string {
  return text.length > limits.maxLineChars ? `${text.slice(0, limits.maxLineChars)}…` : text;
}

/** The lines of a text, without their line ends; a final line end does not start another line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A text that is only in one version, as one hunk of added (or removed) lines: linear, no diff needed. */
function wholeText(text: string, kind: 'ins' | 'del', limits: CompareLimits, budget: LineBudget): TextDiff {
  const lines = splitLines(text);
  if (lines.length === 0) return { state: 'identical', hunks: [], added: 0, removed: 0, truncated: false };
  const shown = Math.max(0, Math.min(lines.length, limits.maxLines, budget.left));
  budget.left -= shown;
  const hunk: DiffHunk = {
    oldStart: kind === 'del' ? 1 : 0,
    oldLines: kind === 'del' ? lines.length : 0,
    newStart: kind === 'ins' ? 1 : 0,
    newLines: kind === 'ins' ? lines.length : 0,
    header: kind === 'del' ? `@@ -1,${lines.length} +0,0 @@` : `@@ -0,0 +1,${lines.length} @@`,
    lines: lines.slice(0, shown).map((l, i) => (kind === 'del' ? { kind, oldLine: i + 1, text: cutLine(l, limits) } : { kind, newLine: i + 1, text: cutLine(l, limits) })),
    truncated: shown < lines.length,
  };
  return { state: 'changed', hunks: shown > 0 ? [hunk] : [], added: kind === 'ins' ? lines.length : 0, removed: kind === 'del' ? lines.length : 0, truncated: hunk.truncated };
}

/**
 * A line diff of two texts with `limits.context` lines of context, numbered on both sides. `maxEditLength` bounds
 * the work: past it the diff library gives up and the answer is `too-different`. Hunks and lines past the limits
 * (and past what `budget` leaves of the page) are counted but not kept.
 */
export function textDiff(oldText: string, newText: string, limits: CompareLimits = DEFAULT_COMPARE_LIMITS, budget: LineBudget = { left: limits.maxLinesTotal }, maxEditLength = limits.maxEditLength): TextDiff {
  if (oldText === newText) return { state: 'identical', hunks: [], added: 0, removed: 0, truncated: false };
  if (oldText === '') return wholeText(newText, 'ins', limits, budget);
  if (newText === '') return wholeText(oldText, 'del', limits, budget);
  if (maxEditLength <= 0) return { state: 'skipped', hunks: [], added: 0, removed: 0, truncated: false };
  const patch = structuredPatch('old', 'new', oldText, newText, undefined, undefined, { context: limits.context, maxEditLength });
  if (!patch) return { state: 'too-different', hunks: [], added: 0, removed: 0, truncated: false };

  const diff: TextDiff = { state: 'changed', hunks: [], added: 0, removed: 0, truncated: false };
  let shownHere = 0;
  for (const h of patch.hunks) {
    const room = Math.min(limits.maxLines - shownHere, budget.left);
    const keep = diff.hunks.length < limits.maxHunks && room > 0;
    const hunk: DiffHunk = { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, lines: [], truncated: false };
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    for (const raw of h.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      let line: DiffLine;
      if (mark === '-') {
        diff.removed++;
        line = { kind: 'del', oldLine: oldLine++, text };
      } else if (mark === '+') {
        diff.added++;
        line = { kind: 'ins', newLine: newLine++, text };
      } else if (mark === '\\') {
        line = { kind: 'note', text: text.trim() };
      } else {
        line = { kind: 'ctx', oldLine: oldLine++, newLine: newLine++, text };
      }
      if (!keep) continue;
      if (hunk.lines.length >= room) {
        hunk.truncated = true;
        continue;
      }
      line.text = cutLine(line.text, limits);
      hunk.lines.push(line);
    }
    if (!keep) {
      diff.truncated = true;
      continue;
    }
    shownHere += hunk.lines.length;
    budget.left -= hunk.lines.length;
    if (hunk.truncated) diff.truncated = true;
    diff.hunks.push(hunk);
  }
  return diff;
}

/** Container rows (maps, lists) whose preview changes with every key under them. */
const isContainer = (type: string | undefined) => type === 'object' || type === 'list';

/**
 * The keys of two values tables that were added, removed, or whose default or type changed, in the new table's
 * order with each removed key after the key that preceded it in the old table. A map or list whose default
 * changed only because keys under it did is left out: those keys have rows of their own.
 */
export function valueChanges(oldRows: ValuesRow[], newRows: ValuesRow[]): ValueChange[] {
  const oldByPath = new Map<string, ValuesRow>();
  for (const r of oldRows) if (!oldByPath.has(r.path)) oldByPath.set(r.path, r);
  const newByPath = new Map<string, ValuesRow>();
  for (const r of newRows) if (!newByPath.has(r.path)) newByPath.set(r.path, r);

  // Removed keys, each anchored after the nearest preceding old key that is still there ('' anchors at the start).
  const removedAfter = new Map<string, ValuesRow[]>();
  let anchor = '';
  for (const r of oldByPath.values()) {
    if (newByPath.has(r.path)) {
      anchor = r.path;
      continue;
    }
    const list = removedAfter.get(anchor) ?? [];
    list.push(r);
    removedAfter.set(anchor, list);
  }
  const removed = (r: ValuesRow): ValueChange => ({ path: r.path, kind: 'removed', oldType: r.type, oldDefault: r.default });

  const changes: ValueChange[] = (removedAfter.get('') ?? []).map(removed);
  // The empty path is no key of a table (a top-level key has a name): it is safe as the "start" anchor.
  for (const r of newByPath.values()) {
    const old = oldByPath.get(r.path);
    if (!old) changes.push({ path: r.path, kind: 'added', newType: r.type, newDefault: r.default });
    else if (old.type !== r.type || old.default !== r.default) changes.push({ path: r.path, kind: 'changed', oldType: old.type, oldDefault: old.default, newType: r.type, newDefault: r.default });
    if (old) for (const gone of removedAfter.get(r.path) ?? []) changes.push(removed(gone));
  }

  // Drop containers whose change is only that of keys under them (a sorted list finds descendants by prefix).
  const paths = changes.map((c) => c.path).sort();
  const hasUnder = (prefix: string): boolean => {
    let lo = 0;
    let hi = paths.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (paths[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < paths.length && paths[lo].startsWith(prefix);
  };
  return changes.filter((c) => !(c.kind === 'changed' && c.oldType === c.newType && isContainer(c.newType) && (hasUnder(`${c.path}.`) || hasUnder(`${c.path}[`))));
}

/**
 * Compares two versions' page models: values.yaml line by line, the values tables key by key, the templates file by
 * file. Bounded by `limits` whatever the inputs (the models themselves are already size-bounded); everything stays
 * plain text.
 */
export function compareModels(from: ComparedFields, to: ComparedFields, limits: CompareLimits = DEFAULT_COMPARE_LIMITS): CompareModel {
  const budget: LineBudget = { left: limits.maxLinesTotal };
  const notices: string[] = [];
  if (from.valuesYamlTruncated || to.valuesYamlTruncated) notices.push('values.yaml is larger than this page reads: only its beginning is compared');
  if (from.valuesNotice || to.valuesNotice) notices.push('the values table of one version is incomplete, so the list of changed keys may be too');
  if (from.templatesTruncated || to.templatesTruncated) notices.push('a version has more templates than this page reads: only the first ones are compared');
  if ([...from.templates, ...to.templates].some((t) => t.truncated)) notices.push('some templates are larger than this page reads: only their beginnings are compared');

  const values = textDiff(from.valuesYaml, to.valuesYaml, limits, budget);

  const all = valueChanges(from.valuesTable, to.valuesTable);
  const changes = all.slice(0, limits.maxValueChanges);

  const oldTemplates = new Map<string, TemplateSource>(from.templates.map((t) => [t.path, t]));
  const newTemplates = new Map<string, TemplateSource>(to.templates.map((t) => [t.path, t]));
  const paths = [...new Set([...oldTemplates.keys(), ...newTemplates.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const templates: TemplateChange[] = [];
  let unchangedTemplates = 0;
  let editsLeft = limits.templateEditBudget;
  for (const path of paths) {
    const a = oldTemplates.get(path);
    const b = newTemplates.get(path);
    if (a && b && a.text === b.text) {
      unchangedTemplates++;
      continue;
    }
    if (!a) {
      templates.push({ path, state: 'added', diff: textDiff('', b!.text, limits, budget) });
      continue;
    }
    if (!b) {
      templates.push({ path, state: 'removed', diff: textDiff(a.text, '', limits, budget) });
      continue;
    }
    const allowed = Math.min(limits.maxEditLength, editsLeft);
    const diff = textDiff(a.text, b.text, limits, budget, allowed);
    // What a diff used: its edits when it finished, everything it was allowed when it gave up.
    editsLeft -= diff.state === 'changed' ? diff.added + diff.removed : allowed;
    templates.push({ path, state: 'changed', diff });
  }
  return { values, valueChanges: changes, valueChangesTruncated: all.length > changes.length, templates, unchangedTemplates, notices };
}

/** An estimate of the memory a comparison's strings take (two bytes per UTF-16 code unit), for a cache's bound. */
export function compareModelSize(m: CompareModel): number {
  let chars = 0;
  const text = (d: TextDiff) => {
    for (const h of d.hunks) for (const l of h.lines) chars += l.text.length + 16;
  };
  text(m.values);
  for (const t of m.templates) {
    chars += t.path.length + 32;
    text(t.diff);
  }
  for (const c of m.valueChanges) chars += c.path.length + (c.oldDefault?.length ?? 0) + (c.newDefault?.length ?? 0) + 32;
  return chars * 2;
}

/**
 * Computed comparisons, least recently used first out, bounded by entries and by size. Keyed by both versions'
 * model keys (which change whenever either version's archive or provenance does), so an entry is never stale.
 */
export class CompareCache {
  private readonly entries = new Map<string, { model: CompareModel; size: number }>();
  private bytes = 0;
  constructor(
    private readonly maxEntries = 32,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The comparison cached under `key`, else computed by `compute` and kept when it fits. */
  get(key: string, compute: () => CompareModel): CompareModel {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.model;
    }
    const model = compute();
    const size = compareModelSize(model);
    if (size > this.maxBytes || this.maxEntries <= 0) return model;
    this.entries.set(key, { model, size });
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
    return model;
  }
}
