import { def, type FuncTable } from './kinds.js';

/** Go's path package (slash-separated paths), which Sprig exposes as base/dir/clean/ext/isAbs and, on Linux, os…. */

/** path.Clean: the shortest equivalent path, lexically. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** path.Base. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** path.Dir. */
export function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

/** path.Ext. */
export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const isAbs = (p: string) => p.startsWith('/');

export const pathFuncs: FuncTable = {
  base: def('base', ['string'], basePath),
  dir: def('dir', ['string'], dirPath),
  clean: def('clean', ['string'], cleanPath),
  ext: def('ext', ['string'], extPath),
  isAbs: def('isAbs', ['string'], isAbs),
  osBase: def('osBase', ['string'], basePath),
  osClean: def('osClean', ['string'], cleanPath),
  osDir: def('osDir', ['string'], dirPath),
  osExt: def('osExt', ['string'], extPath),
  osIsAbs: def('osIsAbs', ['string'], isAbs),
};
