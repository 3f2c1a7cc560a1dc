import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lex } from '../../template-engine/go/parse/lexer.js';
import { rng } from '../support/rng.js';

// The lexer matches common tokens with one RegExp (FAST_TOKEN) and leaves the rest to its rune-by-rune
// states. Both ways must give the same items, positions and errors on every input.

const both = (text: string) => {
  const fast = lex('t', text);
  const slow = lex('t', text, '{{', '}}', { fastTokens: false });
  return { fast, slow };
};

function templatesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return templatesUnder(p);
    return /\.(ya?ml|tpl|txt)$/.test(name) ? [readFileSync(p, 'utf8')] : [];
  });
}

const PIECES = ['{{', '}}', '{{-', '-}}', ' ', '  ', '\t', '\n', '\r\n', '.', '.Values', '.a.b', '$', '$x', '$1', 'x', 'if', 'else', 'end', 'range', 'break', 'continue', 'true', 'false', 'nil', 'include', '"s"', '"a\\"b"', '"\\n"', '"unterminated', '`raw`', "'c'", '(', ')', '|', '=', ':=', ':', ',', '0', '12', '0x1F', '1.5', '1e3', '-1', '+2', '1+2i', '1_000', '07', 'é', 'naïve', '.ünï', '$é', '😀', '/*', '*/', '{{/* c */}}', '#', '-', '}', '{', '\\', '"', '`', '@', '\u0000'];

describe('FAST_TOKEN gives the rune-by-rune lexer’s items', () => {
  const files = [...templatesUnder(join(process.cwd(), 'charts')), ...templatesUnder(join(process.cwd(), 'test', 'fixtures'))].filter((t) => t.includes('{{'));

  it('on every template in the repository', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const text of files) {
      const { fast, slow } = both(text);
      expect(fast).toEqual(slow);
    }
  });

  it('on every template with one character removed, doubled or replaced', () => {
    const next = rng(42);
    let checked = 0;
    for (const text of files.slice(0, 40)) {
      for (let k = 0; k < 25; k++) {
        const at = Math.floor(next() * text.length);
        const piece = PIECES[Math.floor(next() * PIECES.length)];
        const variants = [text.slice(0, at) + text.slice(at + 1), text.slice(0, at) + text[at] + text.slice(at), text.slice(0, at) + piece + text.slice(at + 1)];
        for (const v of variants) {
          const { fast, slow } = both(v);
          expect(fast).toEqual(slow);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('on random soups of template tokens', () => {
    const next = rng(7);
    for (let k = 0; k < 4000; k++) {
      let text = '';
      const n = 1 + Math.floor(next() * 14);
      for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      const soup = next() < 0.8 ? `{{${text}}}` : text;
      const { fast, slow } = both(soup);
      expect({ soup, items: fast }).toEqual({ soup, items: slow });
    }
  });

  it("a plain action gives Go's items", () => {
    const { fast } = both('{{ .Values.a | default "x" | quote }} {{- range $k, $v := .b }}{{ $k }}{{ end -}}');
    expect(fast.map((i) => i.type)).toEqual(['leftDelim', 'space', 'field', 'field', 'space', 'pipe', 'space', 'identifier', 'space', 'string', 'space', 'pipe', 'space', 'identifier', 'space', 'rightDelim', 'leftDelim', 'range', 'space', 'variable', 'char', 'space', 'variable', 'space', 'declare', 'space', 'field', 'space', 'rightDelim', 'leftDelim', 'space', 'variable', 'space', 'rightDelim', 'leftDelim', 'space', 'end', 'rightDelim', 'EOF']);
    expect(fast.map((i) => i.val).join('')).toBe('{{ .Values.a | default "x" | quote }}{{range $k, $v := .b }}{{ $k }}{{ end}}');
  });
});
