import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** Every TypeScript source file of the product, as a path relative to the checkout. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? sources(p) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}
const FILES = ['cli', 'core', 'template-engine', 'registry-server'].flatMap((d) => sources(d)).map((f) => f.split(sep).join('/'));

/** The project files a file imports (statically, dynamically or by require). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative('.', normalize(join(dirname(file), s))).split(sep).join('/'));
}

const DOMAIN = ['core/chart/', 'core/values/', 'core/repo/', 'core/oci/', 'core/provenance/', 'core/kube/', 'core/scaffold/', 'core/resolver.ts', 'core/lockfile.ts', 'core/semver-range.ts', 'core/versions.ts', 'core/errors.ts', 'core/yaml.ts', 'core/cache.ts', 'core/atomic-file.ts', 'core/version.ts'];
const ACTION_LAYER = ['core/actions/', 'core/render/', 'core/lint/', 'core/sources/', 'core/uploads/', 'core/context.ts'];
const under = (file: string, prefixes: string[]) => prefixes.some((p) => file === p || file.startsWith(p) || file === p.replace(/\.ts$/, '.js'));

/** Pairs (importer, imported) that break a rule. */
function violations(from: string[], forbidden: string[]): string[] {
  return FILES.filter((f) => under(f, from)).flatMap((f) => importsOf(f).filter((i) => under(i, forbidden)).map((i) => `${f} -> ${i}`));
}

describe('layers (README: Layout)', () => {
  it('reads imports at all (a guard against a test that cannot fail)', () => {
    expect(importsOf('core/render/pipeline.ts')).toContain('template-engine/index.js');
    expect(violations(['core/render/'], ['template-engine/'])).not.toEqual([]);
  });
  it('domain modules import neither engines, the server, the CLI nor the action layer', () => {
    expect(violations(DOMAIN, ['template-engine/', 'registry-server/', 'cli/', ...ACTION_LAYER])).toEqual([]);
  });
  it('engines import only domain modules and each other', () => {
    expect(violations(['template-engine/'], ['registry-server/', 'cli/', ...ACTION_LAYER])).toEqual([]);
  });
  it('the registry server imports domain modules and the render pipeline, never an action or the CLI', () => {
    expect(violations(['registry-server/'], ['core/actions/', 'core/context.ts', 'cli/'])).toEqual([]);
  });
  it('core never imports the server or the CLI; the pipeline, sources and uploads never import actions', () => {
    expect(violations(['core/'], ['registry-server/', 'cli/'])).toEqual([]);
    expect(violations(['core/render/', 'core/lint/', 'core/sources/', 'core/uploads/'], ['core/actions/'])).toEqual([]);
  });
  it('core and the engines never touch process.env (the CLI hands the environment to core/context.ts)', () => {
    const readers = FILES.filter((f) => (f.startsWith('core/') || f.startsWith('template-engine/')) && /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(readers).toEqual([]);
    const writers = FILES.filter((f) => /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]/.test(readFileSync(f, 'utf8')));
    expect(writers).toEqual([]);
  });
});
