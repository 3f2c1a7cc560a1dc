import Handlebars from 'handlebars';

export interface LandingRow {
  name: string;
  versions: { version: string; file: string }[];
  appVersion?: string;
  description?: string;
}

export interface LandingData {
  /** The registry's external URL, for `helm repo add`: --chart-url, or a validated Host. */
  url: string;
  /** Whether the caller may read the root repository, whose charts are the rows. */
  root: boolean;
  rows: LandingRow[];
  /** The named repositories the caller may read. */
  repositories: string[];
}

/**
 * The page, as a Handlebars template: ours, fixed, compiled once here. Only the data comes from clients and
 * charts, and every `{{…}}` escapes it, so nothing they say is ever read as markup or as a pattern.
 */
const SOURCE = `<!doctype html><html><head><meta charset="utf-8"><title>Chartroom registry</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{background:#f4f4f4;padding:.1rem .3rem}</style></head>
<body><h1>Chartroom registry</h1>
<p>Add it to helm: <code>helm repo add chartroom {{url}}</code> &middot; <a href="index.yaml">index.yaml</a> &middot; <a href="api/charts">API</a> &middot; <a href="info">info</a></p>
{{#if root}}<table><tr><th>chart</th><th>versions</th><th>app version</th><th>description</th></tr>
{{#each rows}}<tr><td><a href="ui/charts/{{name}}">{{name}}</a></td><td>{{#each versions}}{{#unless @first}} {{/unless}}<a href="charts/{{file}}">{{version}}</a>{{/each}}</td><td>{{appVersion}}</td><td>{{description}}</td></tr>
{{else}}<tr><td colspan="4">No charts yet. Publish one: <code>curl --data-binary @chart.tgz {{@root.url}}/api/charts</code></td></tr>
{{/each}}</table>{{/if}}{{#if repositories.length}}<p>{{#if root}}Other repositories{{else}}Repositories{{/if}}: {{#each repositories}}{{#unless @first}}, {{/unless}}<a href="{{this}}/index.yaml">{{this}}</a>{{/each}}</p>{{/if}}</body></html>`;

const hb = Handlebars.create();
const template = hb.compile<LandingData>(SOURCE, { strict: false, knownHelpersOnly: true, knownHelpers: { if: true, each: true, unless: true } });
// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
template({ url: '', root: true, rows: [], repositories: [] });

/** The landing page for browsers. */
export function landingPage(data: LandingData): string {
  return template(data);
}
