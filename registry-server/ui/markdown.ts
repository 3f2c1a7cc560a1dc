import MarkdownIt, { type Options as MarkdownItOptions, type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { posix } from 'node:path';

/** One heading of a README, for the page's table of contents. */
export interface TocEntry {
  /** 1 to 6. */
  level: number;
  /** The heading's text, plain (the page escapes it). */
  text: string;
  /** The heading's `id` in readmeHtml, unique in the document: link to `#slug`. */
  slug: string;
}

export interface RenderedReadme {
  /** Sanitized HTML: the only HTML of a chart page model. */
  html: string;
  toc: TocEntry[];
  /** Set when the README was longer than the limit and only its beginning was rendered. */
  truncated: boolean;
}

export interface ReadmeLinks {
  /** Whether the chart has this file (a path relative to the chart's top folder, no `./`). */
  hasFile(path: string): boolean;
  /** The URL of a chart file's page or content, as the caller serves it. */
  fileUrl(path: string): string;
}

/** Largest README rendered; the rest is left out, so one upload cannot make every page view slow. */
export const MAX_README_BYTES = 1024 * 1024;
/** Most headings listed in the table of contents (every heading still gets its id). */
export const MAX_TOC_ENTRIES = 500;

/** Rel of every link that leaves the registry: no ranking credit, no window.opener, no Referer. */
export const EXTERNAL_REL = 'nofollow noopener noreferrer';

/** Data URLs an image may use: raster formats only (an SVG can carry script). */
const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp)(?:;[a-z0-9=._+-]*)*,/i;

// html: true, because READMEs mix raw HTML in (badges, <details>, centred logos); sanitize-html below decides
// what of it survives. maxNesting keeps markdown-it's recursion shallow on crafted input (`>>>>>>…`, nested lists).
const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
// An option markdown-it has (its presets set it) that its type declarations leave out.
(md.options as MarkdownItOptions & { maxNesting: number }).maxNesting = 20;
// Every Markdown link becomes a link token, whatever its URL: resolveUrl below is the one judge, and a refused
// link keeps its text only (markdown-it's own check would leave `[x](javascript:…)` in the page as source text).
md.validateLink = () => true;

/** GitHub's slug rule: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
  return slug || 'section';
}

/**
 * Gives every Markdown heading a unique id and collects the table of contents. Headings written as raw HTML
 * get neither: their ids are dropped by the sanitizer, which keeps only the ids made here.
 */
function addHeadingIds(tokens: Token[], toc: TocEntry[], ids: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i];
    if (open.type !== 'heading_open') continue;
    const inline = tokens[i + 1];
    const text = (inline?.children ?? [])
      .filter((t) => t.type === 'text' || t.type === 'code_inline')
      .map((t) => t.content)
      .join('')
      .trim();
    const base = slugOf(text);
    let slug = base;
    for (let n = 1; ids.has(slug); n++) slug = `${base}-${n}`;
    ids.add(slug);
    open.attrSet('id', slug);
    if (toc.length < MAX_TOC_ENTRIES) toc.push({ level: Number(open.tag.slice(1)), text, slug });
  }
}

/**
 * What a browser would make of an attribute URL: tabs and newlines are removed anywhere, and leading and
 * trailing C0 controls and spaces are stripped (`java\tscript:` is `javascript:`).
 */
function browserUrl(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

type Resolved = { url: string; external: boolean } | undefined;

/**
 * Where a README's link or image may point: a fragment in the page, an http(s) (or mailto, for links) URL
 * outside, a safe raster data URL (images), or a file of the chart, through `links.fileUrl`. Anything
 * else, and any relative path that leaves the chart or names no file in it, is dropped (undefined).
 */
function resolveUrl(raw: string, kind: 'link' | 'image', links: ReadmeLinks): Resolved {
  let url = browserUrl(raw);
  if (url === '' || url.includes('\\')) return undefined;
  if (url.startsWith('#')) return kind === 'link' ? { url, external: false } : undefined;
  if (url.startsWith('//')) url = `https:${url}`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'http' || scheme === 'https') {
      try {
        return { url: new URL(url).href, external: true };
      } catch {
        return undefined;
      }
    }
    if (scheme === 'mailto' && kind === 'link') return { url, external: false };
    if (scheme === 'data' && kind === 'image' && SAFE_DATA_IMAGE.test(url)) return { url, external: false };
    return undefined;
  }
  // A path inside the chart. README.md sits at the chart's top, so `/x` (GitHub's repository root) and `x`
  // both mean the chart's file x.
  const cut = url.search(/[?#]/);
  const pathPart = cut < 0 ? url : url.slice(0, cut);
  const fragment = cut >= 0 && url[cut] === '#' ? url.slice(cut) : '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const normal = posix.normalize(`/${decoded}`);
  if (normal === '/' || decoded.split('/').reduce((depth, seg) => (depth < 0 ? depth : seg === '..' ? depth - 1 : seg === '' || seg === '.' ? depth : depth + 1), 0) < 0) {
    return undefined;
  }
  const path = normal.slice(1).replace(/\/$/, '');
  if (!links.hasFile(path)) return undefined;
  return { url: links.fileUrl(path) + (kind === 'link' ? fragment : ''), external: false };
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const ALIGN = /^text-align:\s*(left|center|right)\s*;?$/i;

function sanitizeOptions(links: ReadmeLinks, ids: Set<string>): sanitizeHtml.IOptions {
  const heading: sanitizeHtml.Transformer = (tagName, attribs) => ({
    tagName,
    attribs: attribs.id !== undefined && ids.has(attribs.id) ? { id: attribs.id } : ({} as sanitizeHtml.Attributes),
  });
  // markdown-it writes a table column's alignment as a style attribute; styles are never kept, alignment is.
  const cell: sanitizeHtml.Transformer = (tagName, attribs) => {
    const align = ALIGN.exec(attribs.style ?? '')?.[1] ?? (/^(left|center|right)$/i.test(attribs.align ?? '') ? attribs.align : undefined);
    return { tagName, attribs: align ? { align: align.toLowerCase() } : ({} as sanitizeHtml.Attributes) };
  };
  return {
    allowedTags: [
      ...HEADINGS, 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 'del', 's', 'ins', 'mark',
      'sup', 'sub', 'kbd', 'samp', 'var', 'abbr', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'table', 'thead',
      'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'details', 'summary', 'div', 'span', 'picture',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      ol: ['start'],
      th: ['align'],
      td: ['align'],
      h1: ['id'], h2: ['id'], h3: ['id'], h4: ['id'], h5: ['id'], h6: ['id'],
      abbr: ['title'],
      details: ['open'],
    },
    allowedClasses: { code: [/^language-[A-Za-z0-9_+-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Their text is dropped along with the tag: a discarded <style> or <svg><script> must not leave its source as text.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'svg', 'math', 'template', 'title', 'xmp', 'noembed', 'noframes', 'object', 'select'],
    parseStyleAttributes: false,
    nestingLimit: 64,
    transformTags: {
      ...Object.fromEntries(HEADINGS.map((h) => [h, heading])),
      th: cell,
      td: cell,
      a: (tagName, attribs) => {
        const to = attribs.href === undefined ? undefined : resolveUrl(attribs.href, 'link', links);
        const kept: sanitizeHtml.Attributes = {};
        if (attribs.title !== undefined) kept.title = attribs.title;
        // A link that may not stay keeps its text and loses its target.
        if (!to) return { tagName: 'span', attribs: kept };
        kept.href = to.url;
        if (to.external) kept.rel = EXTERNAL_REL;
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        const to = attribs.src === undefined ? undefined : resolveUrl(attribs.src, 'image', links);
        // An image that may not stay is replaced by its alt text.
        if (!to) return { tagName: 'span', attribs: {}, text: attribs.alt ?? '' };
        const kept: sanitizeHtml.Attributes = { src: to.url };
        for (const k of ['alt', 'title', 'width', 'height']) if (attribs[k] !== undefined) kept[k] = attribs[k];
        return { tagName, attribs: kept };
      },
    },
  };
}

/**
 * Renders a chart's README (Markdown with raw HTML) into sanitized HTML with ids on its headings and a table
 * of contents. Charts are hostile input: script, event handlers, styles, frames, forms, SVG and MathML, and
 * URLs other than http(s), mailto and raster data images are removed; relative links become chart file URLs
 * or are dropped.
 */
export function renderReadme(source: string, links: ReadmeLinks): RenderedReadme {
  let text = source.replace(/^\uFEFF/, '');
  const truncated = Buffer.byteLength(text) > MAX_README_BYTES;
  if (truncated) text = Buffer.from(text).subarray(0, MAX_README_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  const toc: TocEntry[] = [];
  const ids = new Set<string>();
  const tokens = md.parse(text, {});
  addHeadingIds(tokens, toc, ids);
  const raw = md.renderer.render(tokens, md.options, {});
  return { html: sanitizeHtml(raw, sanitizeOptions(links, ids)), toc, truncated };
}
