import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs, makeDirsSync } from '../../core/make-dirs.js';

const root = mkdtempSync(join(tmpdir(), 'chartroom-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each([
  ['makeDirsSync', async (d: string) => makeDirsSync(d)],
  ['makeDirs', (d: string) => makeDirs(d)],
])('%s', (name, make) => {
  it('makes every missing level, and accepts a folder that is there', async () => {
    const deep = join(root, name, 'a', 'b', 'c');
    await make(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await make(deep);
    await make(join(root, name, 'a'));
  });

  it('refuses a file in the way with the error of the level at fault', async () => {
    const file = join(root, `${name}-file`);
    writeFileSync(file, 'x');
    await expect(make(file)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(make(join(file, 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  // Node 20's own recursive mkdir never returns here (Linux answers ENOENT for a new name under /proc); this one
  // fails at once. Elsewhere /proc cannot be made either.
  it('fails, rather than spinning, for a folder under /proc', async () => {
    const err = await make('/proc/chartroom-nope/x').then(() => undefined, (e: NodeJS.ErrnoException) => e);
    expect(['ENOENT', 'EACCES', 'EPERM', 'EROFS']).toContain(err?.code);
  });
});
