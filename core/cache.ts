import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** Chartroom's cache folder: $CHARTROOM_CACHE_DIR, else $XDG_CACHE_HOME/chartroom, else ~/.cache/chartroom. */
export function cacheDir(): string {
  if (process.env.CHARTROOM_CACHE_DIR) return process.env.CHARTROOM_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'chartroom');
}

/** Whether caches are switched off (CHARTROOM_NO_CACHE=1), e.g. to measure cold runs. */
export function cacheDisabled(): boolean {
  const v = process.env.CHARTROOM_NO_CACHE;
  return v !== undefined && v !== '' && v !== '0';
}

function entryPath(kind: string, key: string): string {
  return join(cacheDir(), kind, key.slice(0, 2), key);
}

/** Reads a cache entry; any problem reads as a miss. */
export function readCacheEntry(kind: string, key: string): Buffer | undefined {
  if (cacheDisabled()) return undefined;
  try {
    return readFileSync(entryPath(kind, key));
  } catch {
    return undefined;
  }
}

/** Writes a cache entry atomically; a cache that cannot be written is skipped, never an error. */
export function writeCacheEntry(kind: string, key: string, data: string | Buffer): void {
  if (cacheDisabled()) return;
  const target = entryPath(kind, key);
  try {
    writeFileAtomic(target, data);
  } catch {
    // A read-only or full disk only costs speed.
  }
}
