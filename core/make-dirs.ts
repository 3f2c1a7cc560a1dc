import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * `mkdir -p` without Node's `{ recursive: true }`, which on Node 20 loops forever, at full CPU, when a folder
 * under /proc is asked for (`chart package -d /proc/x` never returned). Here each missing level is made in turn,
 * from the deepest folder that exists: at most one pass up the path and one down, and any error is the real one.
 */

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Makes `dir` and any missing parents; a folder that is already there is fine, a file in the way is EEXIST. */
export function makeDirsSync(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isDir(dir)) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw e;
    makeDirsSync(parent);
  }
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !isDir(dir)) throw e;
  }
}

const isDirAsync = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
};

/** makeDirsSync without blocking: for servers. */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isDirAsync(dir))) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw e;
    await makeDirs(parent);
  }
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isDirAsync(dir))) throw e;
  }
}
