/**
 * Cache entries of parsed templates that carry the exact sources they were parsed from. Their key then needs
 * no cryptographic hash (loading Node's crypto costs every render about 2 ms): it hashes the format and the
 * template names (FNV-1a, two lanes), so a chart keeps one entry however its templates change, and a read
 * says which templates are byte for byte the ones the entry was made from. A render reuses their trees and
 * parses only the others: editing one template of two hundred parses one.
 *
 * Layout: one JSON line `[format, names, sizes]`, the sources end to end, then the body (UTF-8).
 */

import type { EngineCache } from './types.js';

export interface Source {
  name: string;
  data: Buffer;
}

/** A 64-bit key (16 hex digits) for a set of templates, from the format and their names. */
export function sourcesKey(format: string, sources: Source[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
  };
  mix(format);
  for (const s of sources) mix(`\0${s.name}`);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The entry for `body`, parsed from `sources`. */
export function packEntry(format: string, sources: Source[], body: string): Buffer {
  const head = `${JSON.stringify([format, sources.map((s) => s.name), sources.map((s) => s.data.length)])}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), ...sources.map((s) => s.data), Buffer.from(body, 'utf8')]);
}

/** What an entry holds for the current sources: its body, and which sources are the ones it was made from. */
export interface Unpacked {
  body: string;
  /** `same[i]`: source i is byte for byte the entry's; its part of the body may be used. */
  same: boolean[];
  /** Every source is the same. */
  all: boolean;
}

/** The entry's body, for the same format and template names (in order); undefined for any other or a torn one. */
export function unpackEntry(format: string, sources: Source[], entry: Buffer): Unpacked | undefined {
  const nl = entry.indexOf(10);
  if (nl < 0) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(entry.toString('utf8', 0, nl));
  } catch {
    return undefined;
  }
  if (!Array.isArray(head) || head.length !== 3 || head[0] !== format) return undefined;
  const [, names, sizes] = head as [string, unknown, unknown];
  if (!Array.isArray(names) || !Array.isArray(sizes) || names.length !== sources.length || sizes.length !== sources.length) return undefined;
  const same: boolean[] = [];
  let at = nl + 1;
  for (let i = 0; i < sources.length; i++) {
    const size = sizes[i];
    if (names[i] !== sources[i].name || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
    const end = at + size;
    if (end > entry.length) return undefined;
    same.push(size === sources[i].data.length && entry.subarray(at, end).equals(sources[i].data));
    at = end;
  }
  return { body: entry.toString('utf8', at), same, all: same.every(Boolean) };
}

/**
 * Writes a chart's entry after templates were parsed: at once when the chart had one (it is rendered again,
 * with some templates changed); for a new chart, on its second render, the first leaving an empty marker,
 * so a one-shot render (a CI job in a fresh container) never encodes and writes what it will not read.
 * `produce` gives the entry, or undefined to write nothing.
 */
export function saveEntry(cache: EngineCache, kind: string, key: string, renderedBefore: boolean, produce: () => Buffer | undefined): void {
  if (!renderedBefore && cache.read(`${kind}-missed`, key) === undefined) {
    cache.write(`${kind}-missed`, key, '');
    return;
  }
  const data = produce();
  if (data !== undefined) cache.write(kind, key, data);
}
