// Builds the CLI: one CommonJS bundle (dist/cli.cjs) and a small launcher (dist/chart.cjs) that runs it
// through V8's code cache, so that after the first run `chart` starts without compiling its own code.
// `node build.mjs --if-stale` builds only when the inputs changed since the last complete build (build/stamp.mjs).
import { build as esbuild } from 'esbuild';
import { chmodSync, cpSync, readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { covered, dropStamp, inputsHash, isCurrent, writeStamp } from './build/stamp.mjs';

const ifStale = process.argv.includes('--if-stale');
// Taken before anything is read, so that a source edited while the build runs leaves the stamp stale.
let inputs = inputsHash();
if (ifStale && isCurrent(inputs)) process.exit(0);
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
mkdirSync('dist', { recursive: true });

// One build at a time in this checkout (two test runs started together both build): a lock folder, taken
// over when its holder has been gone for two minutes.
const LOCK = join('dist', '.build-lock');
for (let waited = 0; ; waited += 100) {
  try {
    mkdirSync(LOCK);
    break;
  } catch {
    let stale = false;
    try {
      stale = Date.now() - statSync(LOCK).mtimeMs > 120_000;
    } catch {
      continue;
    }
    if (stale) rmSync(LOCK, { recursive: true, force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
process.on('exit', () => rmSync(LOCK, { recursive: true, force: true }));
// Another build may have finished while this one waited for the lock.
inputs = inputsHash();
if (ifStale && isCurrent(inputs)) process.exit(0);
dropStamp();
/** Every file the bundler read, to check that the stamp's inputs cover them. */
const readFiles = new Set();
const build = async (options) => {
  const result = await esbuild({ ...options, metafile: true });
  for (const f of Object.keys(result.metafile.inputs)) readFiles.add(f);
  return result;
};
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'error',
  // Handlebars builds source maps of generated code when `source-map` loads; we never generate code.
  alias: { 'source-map': './build/empty.js' },
  define: { CHARTROOM_VERSION: JSON.stringify(pkg.version), CHARTROOM_VERSION_DEFINE: JSON.stringify(pkg.version) },
  // Every run reads and hashes the whole bundle: no comments or indentation, and ASCII only (esbuild escapes the
  // rest), so the launcher reads it as latin1, three times faster than decoding UTF-8.
  minifyWhitespace: true,
  charset: 'ascii',
  // Licence comments of bundled libraries would be copied in as they are (some are not ASCII); the licences
  // ship with the packages in node_modules.
  legalComments: 'none',
};
/**
 * Libraries few commands need live in files of their own beside the bundle, required on first use: the
 * Kubernetes client (1.2 MB; release commands only), re2js (Go's regexp; only charts that call regex
 * functions), undici (HTTP with TLS options; commands that talk to an OCI registry) and OpenPGP.js (signing
 * and verifying charts). Every other command starts without reading them.
 */
const APART = {
  '@kubernetes/client-node': 'kube-client.cjs',
  re2js: 're2js.cjs',
  undici: 'undici.cjs',
  openpgp: 'openpgp.cjs',
  // The thorough YAML library: errors with positions, anchors, files written with their comments kept.
  yaml: 'yaml.cjs',
  // bcrypt (Sprig's bcrypt and htpasswd) and the download bar (a terminal only).
  bcryptjs: 'bcryptjs.cjs',
  'cli-progress': 'cli-progress.cjs',
};
/** What each apart bundle exports: only the names the code uses, so the rest is left out (tree-shaken); null: all of it. */
const APART_EXPORTS = { '@kubernetes/client-node': ['KubeConfig'], re2js: ['RE2JS'], undici: ['Agent', 'request'], openpgp: null, yaml: null, bcryptjs: null, 'cli-progress': null };
/**
 * commander requires node:child_process when it loads, for git-style subcommands we do not use; it costs every
 * run 3 ms. The bundle gets it on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) return undefined;
      return { contents: text.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};
const librariesApart = {
  name: 'libraries-apart',
  setup(b) {
    b.onResolve({ filter: /^(@kubernetes\/client-node|re2js|undici|openpgp|yaml|bcryptjs|cli-progress)$/ }, (args) => ({ path: `./${APART[args.path]}`, external: true }));
  },
};
/**
 * Node's `os` and `module` cost every command 0.3 and 0.2 ms to load (`module` brings the ES module loader and
 * source maps with it), for a home folder ($HOME is nearly always set) and a createRequire the bundle, which has
 * its own `require`, never calls. Our code gets them on first use instead; a name not listed here fails the
 * build.
 */
const LAZY_BUILTINS = { 'node:os': ['homedir', 'hostname'], 'node:module': ['createRequire'] };
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:(os|module)$/ }, (args) => {
      if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
      return /[\\/]node_modules[\\/]/.test(args.importer) ? undefined : { path: args.path, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: LAZY_BUILTINS[args.path].map((name) => `export const ${name} = (...a) => require(${JSON.stringify(args.path)}).${name}(...a);`).join('\n'),
      loader: 'js',
    }));
  },
};
// The registry server is its own bundle, loaded only by `chart serve`.
const serverApart = {
  name: 'server-apart',
  setup(b) {
    b.onResolve({ filter: /(registry-server\/entry\.js|\/server\.cjs)$/ }, () => ({ path: './server.cjs', external: true }));
  },
};
// Every command reads and compiles the CLI bundle: with local names shortened it is a quarter smaller (1.2 MB ->
// 0.9 MB), and each start about 1 ms quicker. Nothing in it goes by a function's name; the source map gives
// the real names back (node --enable-source-maps).
await build({ ...common, minifyIdentifiers: true, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.cjs', plugins: [serverApart, librariesApart, lazyChildProcess, lazyBuiltins] });
for (const [lib, file] of Object.entries(APART)) {
  const names = APART_EXPORTS[lib];
  // Without names, the library as `require` gets it (its CommonJS build: the ESM one may lean on import.meta).
  const contents = names ? `export { ${names.join(', ')} } from ${JSON.stringify(lib)};` : `module.exports = require(${JSON.stringify(lib)});`;
  await build({ ...common, stdin: { contents, resolveDir: '.', loader: 'js' }, outfile: `dist/${file}` });
}
await build({ ...common, entryPoints: ['registry-server/entry.ts'], outfile: 'dist/server.cjs' });
// The bundles every command may read are ASCII, read as latin1; the server's (markdown-it's regular expressions
// hold characters esbuild cannot escape) is read as UTF-8, once per `chart serve`.
for (const f of ['cli.cjs', ...Object.values(APART)]) {
  const bytes = readFileSync(join('dist', f));
  if (bytes.some((b) => b > 0x7f)) throw new Error(`dist/${f} is not ASCII: the launcher reads it as latin1`);
}
writeFileSync('dist/chart.cjs', readFileSync('build/launcher.cjs'));
chmodSync('dist/chart.cjs', 0o755);

// Ship V8 code caches beside the bundle, made by running the CLI over the example charts, so even the first
// `chart` command after an install starts warm (V8 ignores them under another Node version).
for (const f of readdirSync('dist')) if (/\.bin$/.test(f)) rmSync(join('dist', f));
const scratch = join(tmpdir(), `chartroom-build-${process.pid}`);
try {
  const env = { ...process.env, CHARTROOM_CODE_CACHE_DIR: 'dist', CHARTROOM_CACHE_DIR: scratch, CHARTROOM_NO_CACHE: '' };
  // A small Go-template chart too, so the code cache covers the Go engine's parser, interpreter and functions.
  const go = join(scratch, 'gochart');
  mkdirSync(join(go, 'templates'), { recursive: true });
  writeFileSync(join(go, 'Chart.yaml'), 'apiVersion: v2\nname: gochart\nversion: 0.1.0\nappVersion: "1.0"\ndescription: warm-up\nicon: https://example.com/i.png\n');
  writeFileSync(join(go, 'values.yaml'), 'replicaCount: 1\nimage:\n  repository: nginx\n  tag: ""\nlabels:\n  team: a\n');
  writeFileSync(join(go, 'templates', '_helpers.tpl'), '{{- define "gochart.name" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}\n{{- end }}\n{{- define "gochart.labels" -}}\napp.kubernetes.io/name: {{ include "gochart.name" . }}\n{{- with .Values.labels }}\n{{ toYaml . }}\n{{- end }}\n{{- end }}\n');
  writeFileSync(join(go, 'templates', 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "gochart.name" . }}\n  labels:\n    {{- include "gochart.labels" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  selector:\n    matchLabels:\n      {{- include "gochart.labels" . | nindent 6 }}\n  template:\n    metadata:\n      labels:\n        {{- include "gochart.labels" . | nindent 8 }}\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          {{- if .Capabilities.APIVersions.Has "apps/v1" }}\n          env:\n            - name: X\n              value: {{ printf "%s-%d" "x" 1 | quote }}\n            - name: Y\n              value: {{ regexReplaceAll "[^a-z]" .Chart.Name "" | quote }}\n          {{- end }}\n');
  const cli = (...args) => execFileSync(process.execPath, ['dist/chart.cjs', ...args], { env, stdio: 'ignore' });
  // The default cache (every command without a group of its own in the launcher's GROUPS), from a lint run
  // under the default group's V8 flags; then lint's own.
  const cliAs = (group, ...args) => execFileSync(process.execPath, ['dist/chart.cjs', ...args], { env: { ...env, CHARTROOM_CODE_CACHE_GROUP: group }, stdio: 'ignore' });
  cliAs('default', 'lint', 'charts/webapp', 'charts/shop', go);
  cli('lint', 'charts/webapp', 'charts/shop', go);
  // One cache per group, each from a run of that group's command: V8 reads a whole cache at every start.
  cpSync('charts/webapp', join(go, 'charts', 'webapp'), { recursive: true });
  cli('--version');
  cli('create', join(scratch, 'made', 'app'));
  cli('show', 'all', 'charts/webapp');
  // One per engine, each from an example chart of that engine (the launcher picks by the chart's engine).
  cli('template', 'rel', 'charts/worker');
  cli('template', 'rel', 'charts/webapp');
  cli('package', go, '-d', join(scratch, 'packaged'));
  // `repo index` has a group of its own (with its own V8 flags); the other repo commands' group is made from
  // it too, under theirs.
  cli('repo', 'index', join(scratch, 'packaged'));
  cliAs('repo', 'repo', 'index', join(scratch, 'packaged'));
} catch {
  // Without example charts (a partial checkout) the CLI still works; it caches on its first run instead.
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// A bundle made from a file the stamp does not hash could not be told stale: such a build is never stamped (and
// --if-stale always builds) until build/stamp.mjs names the file's folder.
const unhashed = [...readFiles].map((f) => relative('.', f)).filter((f) => !f.startsWith('<') && !f.startsWith('lazy-builtin:') && !covered(f));
if (unhashed.length) console.warn(`build.mjs: no build stamp: build/stamp.mjs does not hash ${unhashed.join(', ')}`);
else writeStamp(inputs, readdirSync('dist').filter((f) => !f.startsWith('.')));
