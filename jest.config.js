// Three test tiers, as Jest projects (docs/testing.md). Jest runs a project's globalSetup only when one of its
// tests runs, so `npm run test:unit` builds nothing and starts nothing.
//   unit         pure in-process tests: no dist/, no helm, no server
//   cli          the built CLI (dist/chart.cjs) and/or the real helm; setup builds dist/ and unpacks helm
//   integration  servers beyond the CLI (the registry in-process or as `chart serve`, S3); setup also starts Ceph RGW
//   kube         a real Kubernetes API server (the cluster client, releases); setup builds dist/, unpacks helm and
//                kubectl, and starts etcd + kube-apiserver (or uses the cluster CHARTROOM_TEST_KUBECONFIG names)
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url)).replace(/[\\/]$/, '');

/** Test files by tier, as paths relative to the checkout (a trailing `/` takes a whole folder). */
const TIERS = {
  unit: ['test/core/', 'test/unit/', 'test/storage/local.test.ts'],
  cli: ['test/golden.test.ts', 'test/scaffold-parity.test.ts', 'test/cli/', 'test/interop/', 'test/repo/index-json.test.ts'],
  integration: ['test/registry/', 'test/storage/s3.test.ts', 'test/repo/dependency.test.ts', 'test/repo/repo-cli.test.ts', 'test/browser/'],
  kube: ['test/kube/', 'test/release/'],
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const regexFor = (entries) => `^${escape(root)}/(${entries.map((e) => (e.endsWith('/') ? `${escape(e)}.+\\.test\\.ts` : escape(e))).join('|')})$`;

// Every test file must belong to exactly one tier: a new file that matched none would silently never run.
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? testFiles(join(dir, d.name)) : d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
}
const problems = testFiles(join(root, 'test'))
  .map((f) => relative(root, f).split(sep).join('/'))
  .map((f) => [f, Object.keys(TIERS).filter((t) => new RegExp(regexFor(TIERS[t])).test(`${root}/${f}`))])
  .filter(([, tiers]) => tiers.length !== 1)
  .map(([f, tiers]) => `${f}: ${tiers.length ? `in several tiers (${tiers.join(', ')})` : 'in no tier'}`);
if (problems.length) throw new Error(`jest.config.js: put each test file in exactly one tier (TIERS):\n  ${problems.join('\n  ')}`);

const common = {
  rootDir: root,
  // Jest's node environment, without two warnings every test process would print (see the file).
  testEnvironment: '<rootDir>/test/setup/quiet-environment.cjs',
  roots: ['<rootDir>/test'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const project = (name, color) => ({
  ...common,
  displayName: { name, color },
  testRegex: regexFor(TIERS[name]),
  globalSetup: `<rootDir>/test/setup/${name}-setup.ts`,
  globalTeardown: `<rootDir>/test/setup/${name}-teardown.ts`,
});

/** @type {import('jest').Config} */
export default {
  // A run-wide option: Jest ignores it inside a project.
  testTimeout: 60000,
  // Once per run, whichever projects run: HOME and XDG_*_HOME point into an empty temporary folder, which must
  // still be empty at the end (test/setup/home.ts).
  globalSetup: '<rootDir>/test/setup/root-setup.ts',
  globalTeardown: '<rootDir>/test/setup/root-teardown.ts',
  projects: [project('unit', 'green'), project('cli', 'blue'), project('integration', 'magenta'), project('kube', 'cyan')],
};
