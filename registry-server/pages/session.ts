import { compilePage, type PageChrome } from './layout.js';

export interface LoginPageData {
  chrome: PageChrome;
  /** Where the form posts (relative to the page). */
  action: string;
  /** The user name typed before a failed attempt (never the password). */
  username?: string;
  /** Where to go after signing in: a local path, already checked. */
  next?: string;
  /** Why the last attempt failed (plain text). */
  error?: string;
}

export interface DeletePageData {
  chrome: PageChrome;
  /** Where the form posts (relative to the page). */
  action: string;
  /** Back to the version's page. */
  cancelHref: string;
  name: string;
  version: string;
  /** The named repository ('' for the root one). */
  repo: string;
  digest: string;
  created: string;
  appVersion?: string;
  /** The session's CSRF token, for the form's hidden field. */
  csrf: string;
}

/**
 * The login form: labelled fields, the page to return to in a hidden field, and an error as an alert. The
 * password field is never filled in, whatever happened.
 */
const LOGIN_SOURCE = `{{> head}}<main id="main" class="session">
<h1>Sign in</h1>
{{#if error}}<p class="error" role="alert">{{error}}</p>{{/if}}
<form id="login" method="post" action="{{action}}">
<p><label for="username">User name</label><input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="256" required value="{{username}}"{{#unless username}} autofocus{{/unless}}></p>
<p><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" required{{#if username}} autofocus{{/if}}></p>
<input type="hidden" name="next" value="{{next}}">
<p><button type="submit">Sign in</button></p>
</form>
<p class="muted">Sign in with your registry user name and password. Tokens are for helm and the CLI, not for this form.</p>
</main>
{{> foot}}`;

/** What deleting a version removes, and the form that does it (with the session's CSRF token). */
const DELETE_SOURCE = `{{> head}}<main id="main" class="session">
<h1>Delete {{name}} {{version}}?</h1>
<p>This removes the version from the registry for everyone: from the Helm repository's index, the OCI API and these pages. It cannot be undone.</p>
<dl class="meta">
<dt>Chart</dt><dd>{{name}}</dd>
<dt>Version</dt><dd>{{version}}</dd>
<dt>Repository</dt><dd>{{#if repo}}{{repo}}{{else}}the root repository{{/if}}</dd>
{{#if appVersion}}<dt>App version</dt><dd>{{appVersion}}</dd>{{/if}}
<dt>Created</dt><dd><time datetime="{{created}}">{{created}}</time></dd>
<dt>Digest</dt><dd><code>sha256:{{digest}}</code></dd>
</dl>
<form id="delete" method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}">
<p class="actions"><button type="submit" class="destructive">Delete {{name}} {{version}}</button> <a href="{{cancelHref}}">Cancel</a></p>
</form>
</main>
{{> foot}}`;

const loginTemplate = compilePage<LoginPageData>(LOGIN_SOURCE);
const deleteTemplate = compilePage<DeletePageData>(DELETE_SOURCE);

/** The login form. */
export function loginPage(data: LoginPageData): string {
  return loginTemplate(data);
}

/** The confirmation page before deleting a version. */
export function deletePage(data: DeletePageData): string {
  return deleteTemplate(data);
}

/** The session pages' styles, appended to the UI's style sheet (pages/assets.ts). */
export const SESSION_CSS = `main.session{max-width:36rem}
#login label{display:block;font-weight:600;margin-bottom:.2rem}
#login input:not([type=hidden]){width:100%}
p.error{border:1px solid #cf222e;border-left-width:4px;padding:.6rem 1rem;border-radius:6px;color:inherit}
button.destructive{border-color:#cf222e;background:#cf222e;color:#fff}
button.destructive:hover{background:#a40e26}
.actions{display:flex;gap:1rem;align-items:center}
`;

// Handlebars compiles on first use: do it now, so a broken template stops start-up rather than a request.
const chrome: PageChrome = { title: '', homeHref: '', styleHref: '', scriptHref: '' };
loginPage({ chrome, action: '' });
deletePage({ chrome, action: '', cancelHref: '', name: '', version: '', repo: '', digest: '', created: '', csrf: '' });
