import { describe, expect, it } from '@jest/globals';
import { splitDocuments } from '../../core/kube/manifests.js';
import { rng } from '../support/rng.js';

/** Helm's split (releaseutil.SplitManifests' pattern) as a RegExp: the reference the one-pass split must equal. */
const reference = (text: string) =>
  text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .map((d) => d.trim())
    .filter((d) => d !== '');

const PIECES = ['---', '--', '-', '\n', '\r\n', ' ', '  ', '\t', '\u00a0', '\u2028', '\ufeff', '\v', 'a', 'kind: X', '# c', '...', '----', '\n---\n', '\n--- # c\n', '\n---x'];

describe('splitDocuments (one pass) splits as Helm’s pattern does', () => {
  it.each([
    ['a\n---\nb', ['a', 'b']],
    ['---\na\n---\n\n---\nb\n', ['a', '---\nb']],
    ['x\n---\n---\ny', ['x', '---\ny']],
    ['a\n---b\n---c', ['a', 'b', 'c']],
    ['a: 1\n  ---\nb: 2', ['a: 1\n  ---\nb: 2']],
    ['a\n----\nb', ['a', '-\nb']],
    ['  \n\n---  \n  a  \n \t\n---\n', ['a']],
    ['', []],
  ])('%j', (text, want) => {
    expect(splitDocuments(text)).toEqual(want);
    expect(reference(text)).toEqual(want);
  });

  it('on random texts of separators, spaces and content', () => {
    const next = rng(99);
    for (let k = 0; k < 20000; k++) {
      let text = '';
      const n = Math.floor(next() * 16);
      for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      expect({ text, docs: splitDocuments(text) }).toEqual({ text, docs: reference(text) });
    }
  });

  it('stays linear on long runs of indentation (the backtracking RegExp took over a second for 1 MB of them)', () => {
    // With the RegExp this input takes minutes, well past Jest's time limit; in one pass, milliseconds.
    const line = `${' '.repeat(8000)}x: y\n`;
    const half = line.repeat(250);
    const docs = splitDocuments(`---\n${half}---\n${half}`);
    expect(docs).toEqual([half.trim(), half.trim()]);
  });
});
