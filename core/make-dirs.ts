import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * `mkdir -p` without Node's `{ recursive: true }`, which on Node 20 loops forever, at full CPU, when a folder
 * under /proc is asked for (`chart package -d /proc/x` never returned). Here each missing level is made in turn,
 * with a bounded number of tries per level, and any error is the real one.
 */

/** What is at `path` now: a folder, something else, or nothing. */
function kindOf(path: string): 'dir' | 'other' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * Makes `dir` and any missing parents; a folder that is already there is fine, a file in the way is EEXIST. A
 * folder removed by someone else meanwhile (a store pruning empty folders) is made again, a few times at most.
 */
export function makeDirsSync(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = dirname(dir);
      if (code === 'EEXIST') {
        const kind = kindOf(dir);
        if (kind === 'dir') return;
        if (kind === 'other' || attempt >= 3) throw e;
      } else if (code !== 'ENOENT' || parent === dir || attempt >= 3) throw e;
      else makeDirsSync(parent);
    }
  }
}

async function kindOfAsync(path: string): Promise<'dir' | 'other' | 'none'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'none';
  }
}

/** makeDirsSync without blocking: for servers. */
export async function makeDirs(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = dirname(dir);
      if (code === 'EEXIST') {
        const kind = await kindOfAsync(dir);
        if (kind === 'dir') return;
        if (kind === 'other' || attempt >= 3) throw e;
      } else if (code !== 'ENOENT' || parent === dir || attempt >= 3) throw e;
      else await makeDirs(parent);
    }
  }
}
