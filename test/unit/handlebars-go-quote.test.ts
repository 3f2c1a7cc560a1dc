import { describe, expect, it } from '@jest/globals';
import { goQuote } from '../../template-engine/handlebars/go-format.js';
import { rng } from '../support/rng.js';

/** Go's `%q` as the helpers quote, one character at a time: the reference for goQuote's quick path. */
function reference(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

describe('goQuote (Handlebars helpers)', () => {
  it('quotes as Go does, with and without characters to escape', () => {
    const next = rng(11);
    const alphabet = ['a', 'Z', '0', ' ', '-', '"', '\\', '\n', '\r', '\t', '\x00', '\x1f', '\x7f', 'é', '😀', '\ud800', "'", '`'];
    for (let k = 0; k < 3000; k++) {
      let s = '';
      const n = Math.floor(next() * 10);
      const plain = next() < 0.5;
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * (plain ? 5 : alphabet.length))];
      expect(goQuote(s)).toBe(reference(s));
    }
    expect(goQuote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(goQuote('plain text')).toBe('"plain text"');
  });
});
