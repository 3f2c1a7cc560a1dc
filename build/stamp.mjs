// What dist/ was built from, as one hash over the contents of the build's inputs, so `node build.mjs --if-stale`
// can start from a current dist/ (npm start, the tests, the benchmarks) and build only when something changed.
// Contents, not times: a checkout, a stash or an editor that keeps times cannot make a stale dist/ look current.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folders whose every file goes into the bundles (sources, page templates, the launcher). */
const SOURCE_DIRS = ['cli', 'core', 'template-engine', 'registry-server', 'build'];
/** Single files that shape the build: its script, the version and dependencies, the TypeScript settings. */
const SOURCE_FILES = ['build.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
const STAMP = join('dist', '.build-stamp');

function filesUnder(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** The hash of every input's path and contents, in a fixed order; a missing file counts as missing. */
export function inputsHash(root = '.') {
  const files = [...SOURCE_DIRS.flatMap((d) => filesUnder(join(root, d))), ...SOURCE_FILES.map((f) => join(root, f))]
    .map((f) => relative(root, f).split(sep).join('/'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(join(root, f)));
    } catch {
      h.update('\0missing\0');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/** Whether a file the bundler read (a path relative to the checkout) is one of the inputs the hash covers. */
export function covered(path) {
  const p = path.split(sep).join('/');
  return p.startsWith('node_modules/') || SOURCE_FILES.includes(p) || SOURCE_DIRS.some((d) => p.startsWith(`${d}/`));
}

/** Whether dist/ was built from exactly these inputs (`hash`) and still holds every file that build wrote. */
export function isCurrent(hash, root = '.') {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return false;
  }
  return stamp?.inputs === hash && Array.isArray(stamp.outputs) && stamp.outputs.every((f) => existsSync(join(root, 'dist', f)));
}

/** Records that dist/ now holds a complete build of the inputs `hash` was taken from. */
export function writeStamp(hash, outputs, root = '.') {
  writeFileSync(join(root, STAMP), `${JSON.stringify({ inputs: hash, outputs })}\n`);
}

/** Forgets the stamp: dist/ is being rewritten, and until the build ends it matches no inputs. */
export function dropStamp(root = '.') {
  rmSync(join(root, STAMP), { force: true });
}
