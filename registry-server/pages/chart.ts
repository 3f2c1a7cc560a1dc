import type { ChartPageModel } from '../ui/chart-page.js';
import type { ProvenanceStatus } from '../ui/provenance-status.js';
import { compilePage, type PageChrome } from './layout.js';

/** Bumped whenever the page's markup changes, so the pages' ETags change with it. */
export const CHART_PAGE_TEMPLATE_VERSION = 'chart-page-4';

export interface PageVersion {
  version: string;
  created: string;
  appVersion?: string;
  digest: string;
  /** The version's page, relative to the page shown. */
  href: string;
  current: boolean;
  /** Preselected as the older side of the compare form (the version before the current one). */
  compareFrom?: boolean;
}

export interface PageDependencyRow {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
  condition?: string;
  /** The dependency's page when the chart is in this repository of the registry. */
  href?: string;
}

/**
 * One chart version's page: the model's fields (plain text throughout, the template escapes them, except
 * `readmeHtml`, which the model sanitized), with dependencies linked, annotations as rows, and what the route
 * adds (links, versions, digest, install commands).
 */
export interface ChartPageData extends Omit<ChartPageModel, 'dependencies' | 'annotations'> {
  chrome: PageChrome;
  /** The named repository ('' for the root one). */
  repo: string;
  dependencies: PageDependencyRow[];
  annotations: { key: string; value: string }[];
  digest: string;
  created: string;
  signed: boolean;
  /** What the provenance file says, checked against the registry's keyring when it has one. */
  provenance: ProvenanceStatus;
  versions: PageVersion[];
  install: { chart: string; helmRepoAdd: string; helmInstall: string; helmPull: string };
  /** The compare form's target (when the chart has two versions or more); it preselects `compareFrom` and the current version. */
  compareHref?: string;
  /** The archive's size, for people (e.g. "12.3 KiB"). */
  sizeText: string;
  /** The delete confirmation page, for a signed-in user who may write the repository. */
  deleteHref?: string;
  /** The chart needs Chartroom's Handlebars engine (`engine` is 'handlebars'). */
  handlebars: boolean;
}

/**
 * The page, as Handlebars templates: ours, fixed, compiled once here. Every `{{...}}` escapes what it writes (chart
 * data, request data); the triple-staches are the README, which the model sanitized, and values.yaml highlighted (highlight.js's
 * spans around escaped text, checked in ui/highlight.ts). No script anywhere: the
 * "tabs" are sections reached by anchors (the script shows one at a time), and copy buttons are hidden until the
 * script reveals them.
 */
const CHART_SOURCE = `{{> head}}<main id="main">
{{#if repo}}<p class="muted crumbs">Repository <strong>{{repo}}</strong></p>{{/if}}
<div class="chart-head">{{#if icon}}<img src="{{icon}}" alt="" width="64" height="64">{{/if}}<div><h1>{{name}} <span class="muted">{{version}}</span></h1>{{#if handlebars}}<p><span class="badge engine" title="Install it with Chartroom: helm cannot render it">engine: handlebars</span></p>{{/if}}
{{#if description}}<p class="description">{{description}}</p>{{/if}}</div></div>
{{#if deprecated}}<p class="banner" role="alert"><strong>Deprecated:</strong> this chart is deprecated and no longer maintained.</p>{{/if}}
<nav class="tabs" aria-label="Sections"><ul>
<li><a href="#readme">README</a></li><li><a href="#install">Install</a></li><li><a href="#values">Values</a></li><li><a href="#templates">Templates</a></li><li><a href="#metadata">Metadata</a></li>{{#if changes.length}}<li><a href="#changes">Changes</a></li>{{/if}}<li><a href="#versions">Versions</a></li>
</ul></nav>
<section id="readme" aria-labelledby="readme-h"><h2 id="readme-h">README</h2>
{{#if toc.length}}<nav class="toc" aria-label="Table of contents"><details open><summary>Contents</summary><ul>{{#each toc}}<li class="toc-{{level}}"><a href="#{{slug}}">{{text}}</a></li>{{/each}}</ul></details></nav>{{/if}}
{{#if readmeHtml}}<div class="readme">{{{readmeHtml}}}</div>{{#if readmeTruncated}}<p class="muted">The README is longer than this page shows; only its beginning is rendered.</p>{{/if}}{{else}}<p class="muted">This chart has no README.</p>{{/if}}
</section>
<section id="install" class="install" aria-labelledby="install-h"><h2 id="install-h">Install</h2>
{{#if handlebars}}<p class="engine-note">This chart's templates are Handlebars (<code>engine: handlebars</code>): install it with Chartroom. helm can pull it but cannot render it.</p>{{else}}<p class="muted">Go templates: Chartroom and helm both render this chart.</p>{{/if}}
<p>With Chartroom:</p><div class="cmd"><code id="cmd-chart" tabindex="0">{{install.chart}}</code><button type="button" class="copy" data-copy="cmd-chart" hidden>Copy</button></div>
<p>With helm, from the repository:</p><div class="cmd"><code id="cmd-repo-add" tabindex="0">{{install.helmRepoAdd}}</code><button type="button" class="copy" data-copy="cmd-repo-add" hidden>Copy</button></div>
<div class="cmd"><code id="cmd-helm-install" tabindex="0">{{install.helmInstall}}</code><button type="button" class="copy" data-copy="cmd-helm-install" hidden>Copy</button></div>
<p>With helm, over OCI:</p><div class="cmd"><code id="cmd-oci" tabindex="0">{{install.helmPull}}</code><button type="button" class="copy" data-copy="cmd-oci" hidden>Copy</button></div>
</section>
<section id="values" aria-labelledby="values-h"><h2 id="values-h">Values</h2>
{{#if valuesNotice}}<p class="banner">{{valuesNotice}}</p>{{/if}}
{{#if valuesTable.length}}<table><caption class="muted">Keys of values.yaml</caption><thead><tr><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Default</th><th scope="col">Description</th></tr></thead><tbody>
{{#each valuesTable}}<tr><td><code>{{path}}</code></td><td>{{type}}</td><td><code>{{default}}</code></td><td>{{description}}{{#if enum}} <span class="muted">(one of: {{#each enum}}{{#unless @first}}, {{/unless}}<code>{{this}}</code>{{/each}})</span>{{/if}}</td></tr>
{{/each}}</tbody></table>{{/if}}
{{#if valuesYaml}}<h3>Default values.yaml</h3>{{#if valuesYamlTruncated}}<p class="muted">Only the beginning of values.yaml is shown.</p>{{/if}}<pre tabindex="0" aria-label="values.yaml"><code class="hljs">{{#if valuesHtml}}{{{valuesHtml}}}{{else}}{{valuesYaml}}{{/if}}</code></pre>{{else}}<p class="muted">This chart has no values.yaml.</p>{{/if}}
</section>
<section id="templates" aria-labelledby="templates-h"><h2 id="templates-h">Templates</h2>
{{#each templates}}<details><summary>{{path}}</summary><pre tabindex="0"><code>{{text}}</code></pre>{{#if truncated}}<p class="muted">Only the beginning of this template is shown.</p>{{/if}}</details>
{{else}}<p class="muted">This chart has no templates.</p>{{/each}}{{#if templatesTruncated}}<p class="muted">The chart has more templates than this page lists.</p>{{/if}}
</section>
<section id="metadata" aria-labelledby="metadata-h"><h2 id="metadata-h">Metadata</h2>
<dl class="meta">
<dt>Version</dt><dd>{{version}}</dd>
{{#if appVersion}}<dt>App version</dt><dd>{{appVersion}}</dd>{{/if}}
{{#if type}}<dt>Type</dt><dd>{{type}}</dd>{{/if}}
{{#if kubeVersion}}<dt>Kubernetes</dt><dd>{{kubeVersion}}</dd>{{/if}}
<dt>Created</dt><dd><time datetime="{{created}}">{{created}}</time></dd>
<dt>Digest</dt><dd><code>sha256:{{digest}}</code></dd>
<dt>Size</dt><dd>{{sizeText}}</dd>
<dt>Provenance</dt><dd class="prov-{{provenance.state}}">{{#if provenance.signedBy}}<span class="signed">signed and verified</span>: signed by {{provenance.signedBy}} (key <code>{{provenance.fingerprint}}</code>) on <time datetime="{{provenance.signedAt}}">{{provenance.signedAt}}</time>{{else}}{{#if provenance.reason}}<strong class="bad">signed, but it does not verify</strong>: {{provenance.reason}}{{else}}{{#if signed}}<span class="signed">signed</span> (a provenance file is stored; this registry has no keyring to verify it with){{else}}none{{/if}}{{/if}}{{/if}}</dd>
{{#if home}}<dt>Home</dt><dd><a href="{{home}}" rel="nofollow noopener noreferrer">{{home}}</a></dd>{{/if}}
{{#if sources.length}}<dt>Sources</dt><dd><ul>{{#each sources}}<li><a href="{{this}}" rel="nofollow noopener noreferrer">{{this}}</a></li>{{/each}}</ul></dd>{{/if}}
{{#if keywords.length}}<dt>Keywords</dt><dd>{{#each keywords}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}</dd>{{/if}}
{{#if maintainers.length}}<dt>Maintainers</dt><dd><ul class="maintainers">{{#each maintainers}}<li>{{#if url}}<a href="{{url}}" rel="nofollow noopener noreferrer">{{name}}</a>{{else}}{{name}}{{/if}}{{#if email}} &lt;{{email}}&gt;{{/if}}</li>{{/each}}</ul></dd>{{/if}}
</dl>
<h3>Dependencies</h3>
{{#if dependencies.length}}<table class="dependencies"><thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Repository</th><th scope="col">Alias</th><th scope="col">Condition</th></tr></thead><tbody>
{{#each dependencies}}<tr><td>{{#if href}}<a href="{{href}}">{{name}}</a>{{else}}{{name}}{{/if}}</td><td>{{version}}</td><td>{{repository}}</td><td>{{alias}}</td><td>{{condition}}</td></tr>
{{/each}}</tbody></table>{{else}}<p class="muted">None.</p>{{/if}}
<h3>Annotations</h3>
{{#if annotations.length}}<table class="annotations"><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead><tbody>
{{#each annotations}}<tr><td><code>{{key}}</code></td><td>{{value}}</td></tr>
{{/each}}</tbody></table>{{else}}<p class="muted">None.</p>{{/if}}
</section>
{{#if changes.length}}<section id="changes" aria-labelledby="changes-h"><h2 id="changes-h">Changes in {{version}}</h2><ul>
{{#each changes}}<li>{{#if kind}}<strong>{{kind}}</strong>: {{/if}}{{description}}</li>
{{/each}}</ul></section>{{/if}}
<section id="versions" aria-labelledby="versions-h"><h2 id="versions-h">Versions</h2>
<table class="versions"><thead><tr><th scope="col">Version</th><th scope="col">Created</th><th scope="col">App version</th><th scope="col">Digest</th></tr></thead><tbody>
{{#each versions}}<tr{{#if current}} class="current" aria-current="page"{{/if}}><td><a href="{{href}}">{{version}}</a></td><td><time datetime="{{created}}">{{created}}</time></td><td>{{appVersion}}</td><td><code>sha256:{{digest}}</code></td></tr>
{{/each}}</tbody></table>
{{#if compareHref}}<form class="compare" method="get" action="{{compareHref}}"><label>Compare <select name="from">{{#each versions}}<option{{#if compareFrom}} selected{{/if}}>{{version}}</option>{{/each}}</select></label>
<label>with <select name="to">{{#each versions}}<option{{#if current}} selected{{/if}}>{{version}}</option>{{/each}}</select></label> <button type="submit">Compare</button></form>{{/if}}
{{#if deleteHref}}<p><a class="danger" href="{{deleteHref}}">Delete version {{version}}&hellip;</a></p>{{/if}}
</section>
</main>
{{> foot}}`;

const chartTemplate = compilePage<ChartPageData>(CHART_SOURCE);

/** A chart version's page. */
export function chartPage(data: ChartPageData): string {
  return chartTemplate(data);
}

/** Turns a model's fields into the page's (the annotations as a list, for the template). */
export function pageFieldsOf(model: ChartPageModel): Omit<ChartPageData, 'chrome' | 'repo' | 'dependencies' | 'digest' | 'created' | 'signed' | 'provenance' | 'versions' | 'install' | 'compareHref' | 'deleteHref' | 'sizeText'> {
  const { dependencies: _deps, annotations, ...rest } = model;
  void _deps;
  return { ...rest, handlebars: model.engine === 'handlebars', annotations: Object.entries(annotations).map(([key, value]) => ({ key, value })) };
}

// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
chartPage({
  chrome: { title: '', homeHref: '', styleHref: '', scriptHref: '' }, repo: '', name: '', version: '', deprecated: false, engine: 'go', handlebars: false, sources: [], keywords: [], maintainers: [], dependencies: [], annotations: [], changes: [],
  readmeHtml: '', toc: [], readmeTruncated: false, valuesYaml: '', valuesYamlTruncated: false, valuesTable: [], templates: [], templatesTruncated: false, archiveSize: 0, sizeText: '',
  digest: '', created: '', signed: false, provenance: { state: 'none' }, versions: [], install: { chart: '', helmRepoAdd: '', helmInstall: '', helmPull: '' },
});
