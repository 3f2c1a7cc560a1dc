import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  data?: Buffer | string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'FIFO';
  linkpath?: string;
  /** Claimed size in the header, when it should lie. */
  size?: number;
}

/** Builds a tar.gz byte by byte, including the malformed and hostile entries a real loader must refuse. */
export function rawTarGz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '');
    const h = Buffer.alloc(512);
    new Header({ path: e.path, mode: 0o644, size: e.size ?? (e.type && e.type !== 'File' ? 0 : data.length), mtime: new Date(0), type: e.type ?? 'File', linkpath: e.linkpath, uid: 0, gid: 0 }).encode(h, 0);
    blocks.push(h);
    if (!e.type || e.type === 'File') {
      blocks.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 1.0.0\nengine: handlebars\n';
