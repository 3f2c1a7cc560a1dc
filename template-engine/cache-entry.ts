/**
 * Cache entries of parsed templates that carry the exact sources they were parsed from. Their key then needs
 * no cryptographic hash (loading Node's crypto costs every render about 2 ms): it hashes the format, the
 * names and the sizes (FNV-1a, two lanes), and a read gives the body back only when every source is byte for
 * byte the one the entry was made from. Sources of the same names and sizes share a key, so an edit that
 * keeps a file's size replaces the entry instead of adding one.
 *
 * Layout: one JSON line `[format, names, sizes]`, the sources end to end, then the body (UTF-8).
 */

export interface Source {
  name: string;
  data: Buffer;
}

/** A 64-bit key (16 hex digits) for a set of sources, from their names and sizes. */
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
  for (const s of sources) mix(`\0${s.name}\0${s.data.length}`);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function header(format: string, sources: Source[]): string {
  return `${JSON.stringify([format, sources.map((s) => s.name), sources.map((s) => s.data.length)])}\n`;
}

/** The entry for `body`, parsed from `sources`. */
export function packEntry(format: string, sources: Source[], body: string): Buffer {
  return Buffer.concat([Buffer.from(header(format, sources), 'utf8'), ...sources.map((s) => s.data), Buffer.from(body, 'utf8')]);
}

/** The body of an entry made from exactly these sources, or undefined (other sources, another format, torn). */
export function unpackEntry(format: string, sources: Source[], entry: Buffer): string | undefined {
  const head = Buffer.from(header(format, sources), 'utf8');
  if (entry.length < head.length || !entry.subarray(0, head.length).equals(head)) return undefined;
  let at = head.length;
  for (const s of sources) {
    const end = at + s.data.length;
    if (end > entry.length || !entry.subarray(at, end).equals(s.data)) return undefined;
    at = end;
  }
  return entry.toString('utf8', at);
}
