import { createHash } from 'node:crypto';
import { COMPARE_CSS } from './compare.js';
import { HOME_CSS } from './home.js';
import { SESSION_CSS } from './session.js';

/**
 * The chart pages' one style sheet, served by the registry at /ui/assets/style.css (no CDN, no inline styles,
 * so the pages' Content-Security-Policy can say `style-src 'self'`). A TS module rather than a file, so the
 * bundle carries it. Light and dark themes follow `prefers-color-scheme`.
 */
const BASE_CSS = `.engine-note{border-left:3px solid var(--focus);padding-left:.6rem}:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--code:#f6f8fa;--link:#0550ae;--warn-bg:#fff8c5;--warn-line:#d4a72c;--ok:#1a7f37;--focus:#0969da;--hl-key:#0550ae;--hl-string:#0a3069;--hl-number:#953800;--hl-meta:#8250df}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--code:#161b22;--link:#4493f8;--warn-bg:#3b2e00;--warn-line:#9e6a03;--ok:#3fb950;--focus:#4493f8;--hl-key:#79c0ff;--hl-string:#a5d6ff;--hl-number:#ffa657;--hl-meta:#d2a8ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
a{color:var(--link)}
a:focus-visible,summary:focus-visible,code:focus-visible,pre:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}
.skip:focus{left:.5rem}
header.site,main,footer.site{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
header.site{border-bottom:1px solid var(--line)}
.chart-head{display:flex;gap:1rem;align-items:center}
.chart-head img{width:64px;height:64px;object-fit:contain}
.chart-head h1{margin:0}
.muted{color:var(--muted)}
.banner{border:1px solid var(--warn-line);background:var(--warn-bg);padding:.6rem 1rem;border-radius:6px;margin:1rem 0}
nav.tabs ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:1rem 0;border-bottom:1px solid var(--line)}
nav.tabs a{display:inline-block;padding:.4rem .2rem;text-decoration:none}
nav.tabs a:hover{text-decoration:underline}
section{margin:2rem 0;scroll-margin-top:1rem}
section>h2{border-bottom:1px solid var(--line);padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{border-bottom:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--code)}
code{padding:.1rem .3rem;border-radius:4px}
td code{overflow-wrap:anywhere;word-break:break-word}
td{overflow-wrap:anywhere}
pre{padding:.8rem;border-radius:6px;overflow:auto;max-height:40rem}
pre code{padding:0;background:none}
.install code{display:block;white-space:pre-wrap;word-break:break-all;padding:.6rem;user-select:all}
details{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;padding:.2rem .6rem}
summary{cursor:pointer;padding:.2rem 0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.signed{color:var(--ok);font-weight:600}
.bad{color:#cf222e}
.readme img{max-width:100%}
.current{font-weight:700}
header.site{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
header.site .brand{font-weight:600;text-decoration:none}
form.inline{display:inline}
button{font:inherit;padding:.25rem .7rem;border:1px solid var(--line);border-radius:6px;background:var(--code);color:var(--fg);cursor:pointer}
button:focus-visible,input:focus-visible,select:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
input,select{font:inherit;padding:.3rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.cmd{display:flex;gap:.5rem;align-items:flex-start;margin:.3rem 0}
.cmd code{flex:1}
.copy[data-copied]{color:var(--ok)}
.danger{color:#cf222e}
form.compare{margin:1rem 0;display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.crumbs{margin:0}
[role=tabpanel][hidden]{display:none}
.hljs-attr{color:var(--hl-key)}
.hljs-string{color:var(--hl-string)}
.hljs-number,.hljs-literal{color:var(--hl-number)}
.hljs-comment{color:var(--muted);font-style:italic}
.hljs-meta,.hljs-bullet,.hljs-type,.hljs-template-variable,.hljs-variable{color:var(--hl-meta)}
nav.tabs a[aria-selected=true]{font-weight:700;border-bottom:2px solid var(--focus)}
`;

/**
 * The whole style sheet: the frame and chart pages' rules, then each page's own.
 */
export const STYLE_CSS = BASE_CSS + HOME_CSS + COMPARE_CSS + SESSION_CSS;

/** The style sheet's ETag: it changes only with the code. */
export const STYLE_ETAG = `"css-${createHash('sha256').update(STYLE_CSS).digest('hex').slice(0, 16)}"`;
