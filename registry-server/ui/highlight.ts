import hljs from 'highlight.js/lib/core';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('yaml', yaml);

/** Highlighting costs about linear time in its input; past this much text the page shows plain text instead. */
export const MAX_HIGHLIGHT_CHARS = 512 * 1024;

/** What highlight.js writes: its own spans (a class of `hljs-` names), their ends, and the text it escaped. */
const OWN_MARKUP = /<span class="hljs-[a-z_-]+(?: [a-z_-]+_?)*">|<\/span>/g;

/**
 * YAML (values.yaml) as highlighted HTML: highlight.js escapes the text and wraps tokens in `<span class="hljs-…">`.
 * Its output is checked to be nothing but that (any other markup means plain text is shown instead), so the
 * page can write it unescaped. Undefined when the text is too long to highlight or the check fails.
 */
export function highlightYaml(text: string): string | undefined {
  if (text.length > MAX_HIGHLIGHT_CHARS) return undefined;
  let html: string;
  try {
    html = hljs.highlight(text, { language: 'yaml', ignoreIllegals: true }).value;
  } catch {
    return undefined;
  }
  return html.replace(OWN_MARKUP, '').includes('<') ? undefined : html;
}
