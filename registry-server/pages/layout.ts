import Handlebars from 'handlebars';

/**
 * What every page's frame needs: relative links to the site's root, the style sheet and the script (relative, so a
 * reverse proxy's path prefix is kept), and who is logged in.
 */
export interface PageChrome {
  /** The page's title (plain text: the template escapes it). */
  title: string;
  homeHref: string;
  styleHref: string;
  scriptHref: string;
  /** The login form (shown when nobody is logged in through the form and the page offers it). */
  loginHref?: string;
  /** The user logged in through the login form. */
  user?: string;
  /** Where the logout form posts, with the session's CSRF token. */
  logoutHref?: string;
  csrf?: string;
}

/**
 * The one Handlebars environment of the UI's pages. Templates are ours, fixed, compiled once at start-up; every
 * `{{...}}` escapes what it writes (chart data, request data). Only known helpers: a template cannot call
 * anything a chart names.
 */
export const hb = Handlebars.create();

hb.registerPartial(
  'head',
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><link rel="icon" href="data:,"><link rel="stylesheet" href="{{chrome.styleHref}}"><script src="{{chrome.scriptHref}}" defer></script>
<title>{{chrome.title}} &middot; Chartroom registry</title></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="{{chrome.homeHref}}">Chartroom registry</a>
<span class="who">{{#if chrome.user}}Signed in as <strong>{{chrome.user}}</strong> <form class="inline" method="post" action="{{chrome.logoutHref}}"><input type="hidden" name="csrf" value="{{chrome.csrf}}"><button type="submit">Sign out</button></form>{{else}}{{#if chrome.loginHref}}<a href="{{chrome.loginHref}}">Sign in</a>{{/if}}{{/if}}</span></header>
`,
);

hb.registerPartial('foot', `<footer class="site muted">Served by Chartroom.</footer>
</body></html>
`);

/** Compiles a page template (which starts with `{{> head}}` and ends with `{{> foot}}`) with the UI's known helpers only. */
export function compilePage<T>(source: string): Handlebars.TemplateDelegate<T> {
  return hb.compile<T>(source, { strict: false, knownHelpersOnly: true, knownHelpers: { if: true, each: true, unless: true } });
}

export interface ErrorPageData {
  chrome: PageChrome;
  status: number;
  message: string;
}

const errorTemplate = compilePage<ErrorPageData>(`{{> head}}<main id="main"><h1>{{chrome.title}}</h1><p>{{message}}</p><p><a href="{{chrome.homeHref}}">All charts</a></p></main>
{{> foot}}`);

/** An error page (404 and the like) for browsers. */
export function errorPage(data: ErrorPageData): string {
  return errorTemplate(data);
}

// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
errorPage({ chrome: { title: '', homeHref: '', styleHref: '', scriptHref: '' }, status: 404, message: '' });
