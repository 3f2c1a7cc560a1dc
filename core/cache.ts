import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/**
 * Chartroom's cache folder: content-addressed entries by kind (`archives`, `templates`) and the cached
 * repository indexes. Anything wrong with an entry reads as a miss, and a cache that cannot be written only
 * costs speed, so callers never see its errors.
 */
export class DiskCache {
  constructor(
    readonly dir: string,
    /** False to switch the entry cache off (CHARTROOM_NO_CACHE), e.g. to measure cold runs. */
    readonly enabled = true,
  ) {}

  private entryPath(kind: string, key: string): string {
    return join(this.dir, kind, key.slice(0, 2), key);
  }

  /** A folder of the cache for one kind of data (e.g. `repository` for indexes). */
  folder(kind: string): string {
    return join(this.dir, kind);
  }

  read(kind: string, key: string): Buffer | undefined {
    if (!this.enabled) return undefined;
    try {
      return readFileSync(this.entryPath(kind, key));
    } catch {
      return undefined;
    }
  }

  write(kind: string, key: string, data: string | Buffer): void {
    if (!this.enabled) return;
    try {
      writeFileAtomic(this.entryPath(kind, key), data);
    } catch {
      // A read-only or full disk only costs speed.
    }
  }
}
