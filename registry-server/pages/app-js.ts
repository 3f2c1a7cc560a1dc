import { createHash } from 'node:crypto';

/**
 * The UI's one script, served at /ui/assets/app.js (no CDN, no inline script: the pages' CSP says
 * `script-src 'self'`). Progressive: every page works without it. A TS module rather than a file, so the bundle
 * carries it. (Placeholder: search-as-you-type, copy buttons and tabs come next.)
 */
export const APP_JS = `'use strict';
`;

/** The script's ETag: it changes only with the code. */
export const APP_JS_ETAG = `"js-${createHash('sha256').update(APP_JS).digest('hex').slice(0, 16)}"`;
