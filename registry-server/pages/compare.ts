import type { CompareModel, DiffLine, TextDiff, ValueChange } from '../ui/compare.js';
import { compilePage, hb, type PageChrome } from './layout.js';

/** Bumped whenever the page's markup changes, so the pages' ETags change with it. */
export const COMPARE_PAGE_TEMPLATE_VERSION = 'compare-page-1';

/** A version in the compare form's selects. */
export interface CompareOption {
  version: string;
  selectedFrom: boolean;
  selectedTo: boolean;
}

/** A diff line as the template writes it: its class, its marker and the marker's words for screen readers. */
export interface PageDiffLine {
  cls: DiffLine['kind'];
  oldLine?: number;
  newLine?: number;
  /** `−` or `+` (shown, hidden from screen readers), empty for context. */
  mark: string;
  /** `removed` or `added` (for screen readers: the change is not told by colour alone). */
  label: string;
  text: string;
}

export interface PageTextDiff {
  identical: boolean;
  tooDifferent: boolean;
  skipped: boolean;
  hunks: { header: string; lines: PageDiffLine[]; truncated: boolean }[];
  /** "3 lines added, 1 removed". */
  counts: string;
  truncated: boolean;
  /** The diff table's accessible name. */
  label: string;
}

export interface PageValueChange {
  path: string;
  kind: ValueChange['kind'];
  /** One type, or `old → new` when it changed. */
  type: string;
  hasOld: boolean;
  oldDefault?: string;
  hasNew: boolean;
  newDefault?: string;
}

export interface PageTemplateChange {
  path: string;
  state: 'added' | 'removed' | 'changed';
  diff: PageTextDiff;
  /** Shown unfolded (when few templates changed). */
  open: boolean;
}

/** What the compare page shows once two versions are chosen. Plain text throughout: the template escapes it. */
export interface CompareResultData {
  from: string;
  to: string;
  fromHref: string;
  toHref: string;
  /** The same comparison the other way round. */
  swapHref: string;
  /** Both sides name the same version. */
  sameVersion: boolean;
  /** "values.yaml: 2 lines added, 1 removed; 3 keys changed; templates: 1 changed, 4 unchanged". */
  summary: string;
  notices: string[];
  values: PageTextDiff;
  valueChanges: PageValueChange[];
  valueChangesTruncated: boolean;
  templates: PageTemplateChange[];
  unchangedTemplates: number;
}

/**
 * The compare page: the form choosing two versions, and, once both are chosen, what changed between them.
 * `message` explains a form shown alone (versions missing or unknown).
 */
export interface ComparePageData {
  chrome: PageChrome;
  /** The named repository ('' for the root one). */
  repo: string;
  name: string;
  /** The chart's page (its newest version), relative to this page. */
  chartHref: string;
  /** Where the form goes: this page, relative to itself. */
  formAction: string;
  options: CompareOption[];
  /** More than one version: the form can compare something. */
  canCompare: boolean;
  message?: string;
  /** Set when the message is an error (an unknown version). */
  messageIsError?: boolean;
  result?: CompareResultData;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Turns a text diff of the model into what the template writes. */
export function pageDiff(d: TextDiff, label: string): PageTextDiff {
  return {
    identical: d.state === 'identical',
    tooDifferent: d.state === 'too-different',
    skipped: d.state === 'skipped',
    hunks: d.hunks.map((h) => ({
      header: h.header,
      truncated: h.truncated,
      lines: h.lines.map((l) => ({
        cls: l.kind,
        oldLine: l.oldLine,
        newLine: l.newLine,
        mark: l.kind === 'del' ? '\u2212' : l.kind === 'ins' ? '+' : '',
        label: l.kind === 'del' ? 'removed' : l.kind === 'ins' ? 'added' : '',
        text: l.text,
      })),
    })),
    counts: d.state === 'changed' ? `${plural(d.added, 'line')} added, ${d.removed} removed` : '',
    truncated: d.truncated,
    label,
  };
}

/** Turns a comparison of the model into the page's result part (links are the route's). */
export function compareResult(model: CompareModel, links: { from: string; to: string; fromHref: string; toHref: string; swapHref: string }): CompareResultData {
  const count = (kind: ValueChange['kind']) => model.valueChanges.filter((c) => c.kind === kind).length;
  const t = (state: string) => model.templates.filter((x) => x.state === state).length;
  const keys = model.valueChanges.length === 0 ? 'no keys changed' : `keys: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed${model.valueChangesTruncated ? ' (and more)' : ''}`;
  const values = model.values.state === 'identical' ? 'values.yaml: the same' : model.values.state === 'changed' ? `values.yaml: ${plural(model.values.added, 'line')} added, ${model.values.removed} removed` : 'values.yaml: changed';
  const templates = `templates: ${t('changed')} changed, ${t('added')} added, ${t('removed')} removed, ${model.unchangedTemplates} unchanged`;
  const few = model.templates.length <= 5;
  return {
    ...links,
    sameVersion: false,
    summary: `${values}; ${keys}; ${templates}.`,
    notices: model.notices,
    values: pageDiff(model.values, `values.yaml from ${links.from} to ${links.to}`),
    valueChanges: model.valueChanges.map((c) => ({
      path: c.path,
      kind: c.kind,
      type: c.oldType !== undefined && c.newType !== undefined && c.oldType !== c.newType ? `${c.oldType} \u2192 ${c.newType}` : (c.newType ?? c.oldType ?? ''),
      hasOld: c.oldDefault !== undefined,
      oldDefault: c.oldDefault,
      hasNew: c.newDefault !== undefined,
      newDefault: c.newDefault,
    })),
    valueChangesTruncated: model.valueChangesTruncated,
    templates: model.templates.map((x) => ({ path: x.path, state: x.state, diff: pageDiff(x.diff, `${x.path} from ${links.from} to ${links.to}`), open: few })),
    unchangedTemplates: model.unchangedTemplates,
  };
}

// One diff as a table: a header row per hunk, then its lines, each with its old and new line numbers in cells of
// their own and a marker that is not colour alone (a sign, and words for screen readers).
hb.registerPartial(
  'compareDiff',
  `{{#if tooDifferent}}<p class="banner">The two versions are too different to show line by line.</p>{{/if}}
{{#if skipped}}<p class="banner">Not shown line by line: this page has compared as much as it does at once.</p>{{/if}}
{{#if hunks.length}}<table class="diff" tabindex="0" aria-label="{{label}}"><thead><tr><th scope="col">Old</th><th scope="col">New</th><th scope="col"><span class="vh">Change</span></th><th scope="col">Line</th></tr></thead>
{{#each hunks}}<tbody><tr class="hunk"><th colspan="4" scope="rowgroup">{{header}}</th></tr>
{{#each lines}}<tr class="{{cls}}"><td class="ln">{{oldLine}}</td><td class="ln">{{newLine}}</td><td class="mark"><span aria-hidden="true">{{mark}}</span>{{#if label}}<span class="vh">{{label}}</span>{{/if}}</td><td class="text"><code>{{text}}</code></td></tr>
{{/each}}{{#if truncated}}<tr class="cut"><td colspan="4">More lines are not shown.</td></tr>{{/if}}</tbody>
{{/each}}</table>{{/if}}
{{#if truncated}}<p class="muted">Only part of the difference is shown.</p>{{/if}}`,
);

/**
 * The page, as a Handlebars template: ours, fixed, compiled once here. Every `{{...}}` escapes what it writes
 * (values, template sources, key paths and defaults are chart data); there is no triple-stache.
 */
const COMPARE_SOURCE = `{{> head}}<main id="main" class="compare">
<p class="muted crumbs"><a href="{{chartHref}}">{{name}}</a>{{#if repo}} in repository <strong>{{repo}}</strong>{{/if}}</p>
{{#if result}}<h1>Compare {{name}} <a href="{{result.fromHref}}">{{result.from}}</a> with <a href="{{result.toHref}}">{{result.to}}</a></h1>
{{#if result.sameVersion}}<p class="banner" role="status">Both sides are version {{result.from}}: they are identical. Choose two different versions below.</p>
{{else}}<p class="compare-actions"><a class="swap" href="{{result.swapHref}}">Swap: compare {{result.to}} with {{result.from}}</a></p>
<p class="compare-summary">{{result.summary}}</p>
{{#each result.notices}}<p class="banner">Note: {{this}}.</p>{{/each}}
<nav class="compare-nav" aria-label="Sections"><ul><li><a href="#values-changes">Changed keys</a></li><li><a href="#values-diff">values.yaml</a></li><li><a href="#templates-diff">Templates</a></li></ul></nav>
<section id="values-changes" aria-labelledby="values-changes-h"><h2 id="values-changes-h">Changed keys</h2>
{{#if result.valueChanges.length}}<table class="value-changes"><caption class="muted">Keys of values.yaml added, removed, or with a new default or type</caption><thead><tr><th scope="col">Key</th><th scope="col">Change</th><th scope="col">Type</th><th scope="col">Old default</th><th scope="col">New default</th></tr></thead><tbody>
{{#each result.valueChanges}}<tr class="key-{{kind}}"><td><code>{{path}}</code></td><td>{{kind}}</td><td>{{type}}</td><td>{{#if hasOld}}<code>{{oldDefault}}</code>{{/if}}</td><td>{{#if hasNew}}<code>{{newDefault}}</code>{{/if}}</td></tr>
{{/each}}</tbody></table>{{#if result.valueChangesTruncated}}<p class="muted">More keys changed than this table lists.</p>{{/if}}{{else}}<p class="muted">No key of the values table was added, removed or changed.</p>{{/if}}
</section>
<section id="values-diff" aria-labelledby="values-diff-h"><h2 id="values-diff-h">values.yaml</h2>
{{#if result.values.identical}}<p class="muted">values.yaml is the same in both versions.</p>{{else}}{{#if result.values.counts}}<p>{{result.values.counts}}</p>{{/if}}{{> compareDiff result.values}}{{/if}}
</section>
<section id="templates-diff" aria-labelledby="templates-diff-h"><h2 id="templates-diff-h">Templates</h2>
{{#each result.templates}}<details class="template-diff"{{#if open}} open{{/if}}><summary><code>{{path}}</code> <span class="state state-{{state}}">{{state}}</span>{{#if diff.counts}} <span class="muted">({{diff.counts}})</span>{{/if}}</summary>
{{> compareDiff diff}}</details>
{{else}}<p class="muted">No template was added, removed or changed.</p>{{/each}}
<p class="muted">{{result.unchangedTemplates}} unchanged {{#if result.unchangedOne}}template{{else}}templates{{/if}}.</p>
</section>
{{/if}}{{else}}<h1>Compare versions of {{name}}</h1>
{{/if}}
{{#if message}}<p class="banner"{{#if messageIsError}} role="alert"{{else}} role="status"{{/if}}>{{message}}</p>{{/if}}
{{#if canCompare}}<form class="compare" method="get" action="{{formAction}}"><label>Compare <select name="from">{{#each options}}<option{{#if selectedFrom}} selected{{/if}}>{{version}}</option>{{/each}}</select></label>
<label>with <select name="to">{{#each options}}<option{{#if selectedTo}} selected{{/if}}>{{version}}</option>{{/each}}</select></label> <button type="submit">Compare</button></form>{{/if}}
</main>
{{> foot}}`;

const compareTemplate = compilePage<ComparePageData & { result?: CompareResultData & { unchangedOne?: boolean } }>(COMPARE_SOURCE);

/** The compare page. */
export function comparePage(data: ComparePageData): string {
  return compareTemplate(data.result ? { ...data, result: { ...data.result, unchangedOne: data.result.unchangedTemplates === 1 } } : data);
}

/** The compare pages' styles, appended to the UI's style sheet (pages/assets.ts); colours follow the light and dark themes. */
export const COMPARE_CSS = `:root{--del-bg:#ffebe9;--ins-bg:#dafbe1;--del-fg:#a40e26;--ins-fg:#116329;--hunk-bg:#ddf4ff}
@media (prefers-color-scheme:dark){:root{--del-bg:#3d1418;--ins-bg:#0f2d1b;--del-fg:#ff9492;--ins-fg:#6fdd8b;--hunk-bg:#102136}}
main.compare .vh{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
main.compare nav.compare-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:1rem 0;border-bottom:1px solid var(--line)}
main.compare nav.compare-nav a{display:inline-block;padding:.4rem .2rem}
main.compare .compare-summary{font-weight:600}
main.compare table.diff{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;line-height:1.45;border:1px solid var(--line);border-radius:6px;margin:.5rem 0}
main.compare table.diff:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
main.compare table.diff th,main.compare table.diff td{border:0;padding:0 .5rem}
main.compare table.diff thead th{border-bottom:1px solid var(--line);color:var(--muted);font-weight:600;padding:.2rem .5rem}
main.compare table.diff tr.hunk th{background:var(--hunk-bg);color:var(--muted);font-weight:400;padding:.2rem .5rem}
main.compare table.diff td.ln{color:var(--muted);text-align:right;min-width:3.5ch;user-select:none;border-right:1px solid var(--line)}
main.compare table.diff td.mark{width:2ch;text-align:center;font-weight:700;user-select:none}
main.compare table.diff td.text{width:100%;white-space:pre-wrap;overflow-wrap:anywhere}
main.compare table.diff td.text code{background:none;padding:0;font-size:1em}
main.compare table.diff tr.del{background:var(--del-bg)}
main.compare table.diff tr.ins{background:var(--ins-bg)}
main.compare table.diff tr.del td.mark{color:var(--del-fg)}
main.compare table.diff tr.ins td.mark{color:var(--ins-fg)}
main.compare table.diff tr.note td,main.compare table.diff tr.cut td{color:var(--muted);font-style:italic}
main.compare table.value-changes tr.key-added td:nth-child(2),main.compare .state-added{color:var(--ins-fg)}
main.compare table.value-changes tr.key-removed td:nth-child(2),main.compare .state-removed{color:var(--del-fg)}
main.compare details.template-diff summary code{background:none}
main.compare table.value-changes caption{text-align:left;caption-side:top}
main.compare .state{font-weight:600}
`;

// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
comparePage({ chrome: { title: '', homeHref: '', styleHref: '', scriptHref: '' }, repo: '', name: '', chartHref: '', formAction: '', options: [], canCompare: false });
comparePage({
  chrome: { title: '', homeHref: '', styleHref: '', scriptHref: '' }, repo: '', name: '', chartHref: '', formAction: '', options: [], canCompare: true,
  result: compareResult(
    {
      values: { state: 'changed', hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, header: '', lines: [{ kind: 'del', oldLine: 1, text: '' }], truncated: false }], added: 0, removed: 1, truncated: false },
      valueChanges: [{ path: '', kind: 'changed', oldType: '', newType: '', oldDefault: '', newDefault: '' }],
      valueChangesTruncated: false,
      templates: [{ path: '', state: 'changed', diff: { state: 'too-different', hunks: [], added: 0, removed: 0, truncated: false } }],
      unchangedTemplates: 0,
      notices: [''],
    },
    { from: '', to: '', fromHref: '', toHref: '', swapHref: '' },
  ),
});
