import { compilePage, type PageChrome } from './layout.js';

/** Bumped whenever the page's markup changes, so the pages' ETags change with it. */
export const HOME_PAGE_TEMPLATE_VERSION = 'home-1';

/** One chart in the results: its latest version's fields, plain text (the template escapes them). */
export interface HomeResult {
  name: string;
  /** The chart's page, relative to the site's root. */
  href: string;
  /** The named repository ('' for the root one, which is not labelled). */
  repo: string;
  description?: string;
  version: string;
  appVersion?: string;
  /** Already safe (https, or a small raster data URL): see safeIcon. */
  icon?: string;
  /** The latest version's creation time, as the index has it, and its date for people. */
  updated?: string;
  updatedText?: string;
  deprecated: boolean;
  library: boolean;
  /** `engine: handlebars`: installing it needs Chartroom rather than helm. */
  handlebars: boolean;
}

export interface HomeOption {
  value: string;
  label: string;
  selected: boolean;
}

export interface HomePageLink {
  /** The page number, or undefined for a gap. */
  n?: number;
  href?: string;
  current?: boolean;
}

export interface HomePageData {
  chrome: PageChrome;
  /** Reads need credentials and the caller is anonymous: a sign-in prompt instead of results. */
  signIn: boolean;
  q: string;
  repoOptions: HomeOption[];
  deprecatedOptions: HomeOption[];
  typeOptions: HomeOption[];
  results: HomeResult[];
  /** "3 charts". */
  countText: string;
  /** Nothing matches the search (and there are charts). */
  noMatch: boolean;
  /** The caller may read no chart at all: how to publish one instead of results. */
  empty: boolean;
  /** The page is past the last one. */
  pastEnd: boolean;
  firstPageHref: string;
  pagination?: { prevHref?: string; nextHref?: string; pages: HomePageLink[]; page: number; pageCount: number };
  /** The registry's external URL (--chart-url or a validated Host), and its host for OCI. */
  url: string;
  ociHost: string;
  /** The named repositories the caller may read, with their index.yaml relative to the site's root. */
  repositories: { name: string; index: string }[];
}

/**
 * The home page, as a Handlebars template: ours, fixed, compiled once here; every `{{...}}` escapes what it writes
 * (chart names, descriptions, the query). The search form works without the script (a GET to the same page); the
 * script (pages/app-js.ts) searches as one types and renders the same markup for `#results`, `#result-count`,
 * `#no-results` and `nav.pagination`.
 */
const HOME_SOURCE = `{{> head}}<main id="main">
<h1>Charts</h1>
{{#if signIn}}<section id="sign-in-needed" class="banner"><p>This registry needs you to sign in before it shows its charts.</p>
<p><a href="{{chrome.loginHref}}">Sign in</a> to search them. Tools can send Basic credentials or a token instead.</p></section>
{{else}}<form role="search" class="search" method="get" action="{{chrome.homeHref}}" aria-label="Charts">
<div class="search-q"><label for="q">Search charts</label> <input type="search" id="q" name="q" value="{{q}}" maxlength="200" autocomplete="off" spellcheck="false" placeholder="name, keyword, description, maintainer"></div>
<div class="filters">
<label for="f-repo">Repository</label> <select id="f-repo" name="repo">{{#each repoOptions}}<option value="{{value}}"{{#if selected}} selected{{/if}}>{{label}}</option>{{/each}}</select>
<label for="f-deprecated">Deprecated</label> <select id="f-deprecated" name="deprecated">{{#each deprecatedOptions}}<option value="{{value}}"{{#if selected}} selected{{/if}}>{{label}}</option>{{/each}}</select>
<label for="f-type">Type</label> <select id="f-type" name="type">{{#each typeOptions}}<option value="{{value}}"{{#if selected}} selected{{/if}}>{{label}}</option>{{/each}}</select>
<button type="submit">Search</button></div>
</form>
{{#if empty}}<section id="publish-help" aria-labelledby="publish-h"><h2 id="publish-h">No charts yet</h2>
<p>Publish one with Chartroom: <code>chart publish ./mychart --repo {{url}}</code></p>
<p>or over HTTP: <code>curl --data-binary @chart.tgz {{url}}/api/charts</code></p>
<p>or with helm, over OCI: <code>helm push chart.tgz oci://{{ociHost}}</code></p></section>
{{else}}<p id="result-count" role="status" aria-live="polite">{{countText}}</p>
<p id="no-results"{{#unless noMatch}} hidden{{/unless}}>No charts match this search.</p>
{{#if pastEnd}}<p class="muted">There are fewer pages than that: <a href="{{firstPageHref}}">back to the first page</a>.</p>{{/if}}
<ol id="results">{{#each results}}<li class="result">{{#if icon}}<img class="result-icon" src="{{icon}}" alt="" width="48" height="48" loading="lazy">{{else}}<span class="result-icon" aria-hidden="true"></span>{{/if}}<div class="result-body">
<h2 class="result-title"><a class="result-name" href="{{href}}">{{name}}</a>{{#if repo}} <span class="badge result-repo" title="Repository">{{repo}}</span>{{/if}}{{#if deprecated}} <span class="badge deprecated">Deprecated</span>{{/if}}{{#if library}} <span class="badge library">Library</span>{{/if}}{{#if handlebars}} <span class="badge engine" title="Install it with Chartroom: helm cannot render it">engine: handlebars</span>{{/if}}</h2>
{{#if description}}<p class="result-description">{{description}}</p>{{else}}<p class="result-description muted">No description.</p>{{/if}}
<p class="result-meta muted">Version <span class="result-version">{{version}}</span>{{#if appVersion}} &middot; app <span class="result-app-version">{{appVersion}}</span>{{/if}}{{#if updated}} &middot; updated <time datetime="{{updated}}">{{updatedText}}</time>{{/if}}</p>
</div></li>
{{/each}}</ol>
{{#if pagination}}<nav class="pagination" aria-label="Pages"><ul>{{#if pagination.prevHref}}<li><a rel="prev" href="{{pagination.prevHref}}">Previous</a></li>{{/if}}{{#each pagination.pages}}{{#if n}}<li><a href="{{href}}"{{#if current}} aria-current="page"{{/if}}>{{n}}</a></li>{{else}}<li><span class="gap" aria-hidden="true">&hellip;</span></li>{{/if}}{{/each}}{{#if pagination.nextHref}}<li><a rel="next" href="{{pagination.nextHref}}">Next</a></li>{{/if}}</ul></nav>{{/if}}
{{/if}}
<section id="use" aria-labelledby="use-h"><h2 id="use-h">Use this registry</h2>
<p>Add it to helm: <code>helm repo add chartroom {{url}}</code>{{#each repositories}}, or a repository: <code>helm repo add chartroom-{{name}} {{@root.url}}/{{name}}</code>{{/each}}</p>
<p class="muted">Charts with <code>engine: handlebars</code> are rendered by Chartroom (<code>chart install</code>): helm cannot render them.</p>
<p><a href="index.yaml">index.yaml</a>{{#each repositories}} &middot; <a href="{{index}}">{{name}}/index.yaml</a>{{/each}} &middot; <a href="api/charts">API</a> &middot; <a href="info">info</a></p>
</section>
{{/if}}
</main>
{{> foot}}`;

const template = compilePage<HomePageData>(HOME_SOURCE);

/** The home page: search form, one page of results, pagination, and how to use the registry. */
export function homePage(data: HomePageData): string {
  return template(data);
}

// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
homePage({
  chrome: { title: '', homeHref: '', styleHref: '', scriptHref: '' },
  signIn: false,
  q: '',
  repoOptions: [],
  deprecatedOptions: [],
  typeOptions: [],
  results: [],
  countText: '',
  noMatch: false,
  empty: false,
  pastEnd: false,
  firstPageHref: '',
  url: '',
  ociHost: '',
  repositories: [],
});

/** The home pages' styles, appended to the UI's style sheet (pages/assets.ts). */
export const HOME_CSS = `.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
form.search{display:flex;flex-direction:column;gap:.6rem;margin:1rem 0 1.5rem}
form.search .search-q{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
form.search .search-q input{flex:1;min-width:12rem;font-size:1.1em}
form.search .filters{display:flex;gap:.4rem 1rem;align-items:center;flex-wrap:wrap}
form.search label{font-weight:600}
#result-count{margin:.5rem 0}
ol#results{list-style:none;padding:0;margin:0}
li.result{display:flex;gap:1rem;align-items:flex-start;padding:.9rem 0;border-bottom:1px solid var(--line)}
.result-icon{flex:none;display:inline-block;width:48px;height:48px;object-fit:contain;border-radius:6px}
span.result-icon{background:var(--code);border:1px solid var(--line)}
.result-body{min-width:0;flex:1}
.result-title{font-size:1.15em;margin:0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:baseline}
.result-description{margin:.2rem 0;overflow-wrap:anywhere}
.result-meta{margin:0;font-size:.9em}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:0 .45rem;border:1px solid var(--line);border-radius:1rem;color:var(--muted)}
.badge.deprecated{border-color:var(--warn-line);background:var(--warn-bg);color:var(--fg)}
.badge.engine{border-color:var(--focus);color:var(--link)}
nav.pagination ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem;padding:0;margin:1.5rem 0}
nav.pagination a,nav.pagination .gap{display:inline-block;min-width:2.2rem;padding:.25rem .6rem;text-align:center;border:1px solid var(--line);border-radius:6px;text-decoration:none}
nav.pagination .gap{border-color:transparent}
nav.pagination a[aria-current=page]{font-weight:700;background:var(--code);border-color:var(--focus)}
nav.pagination a:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
#use code,#publish-help code{overflow-wrap:anywhere}
nav.tabs a[role=tab]:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
`;
