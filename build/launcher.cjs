#!/usr/bin/env node
'use strict';
// Runs dist/cli.cjs with V8's code cache (Node 20 has no module compile cache of its own), and so the bundles
// beside it that the CLI requires on first use (the libraries few commands need, such as kube-client.cjs and re2js.cjs, and server.cjs). The build leaves a
// cache beside each bundle it warms up (made by running the CLI once); a bundle without one, or whose shipped
// cache V8 rejects (another Node version, other V8 flags), gets one under the user's cache folder on its first
// run, which later runs prefer. The CLI bundle has one cache per group of commands (see GROUPS): a cache holds
// the code its warm-up run compiled, and V8 reads all of it at every start, so `chart show` does not pay for
// the template engines' code, nor `chart template` for the repository client's.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// The loader's own Module: requiring node:module would load the ES module loader too (0.2 ms).
const Module = module.constructor;

const off = process.env.CHARTROOM_NO_CACHE && process.env.CHARTROOM_NO_CACHE !== '0';
// The build writes its caches here (CHARTROOM_CODE_CACHE_DIR), to ship them beside the bundles.
const buildDir = process.env.CHARTROOM_CODE_CACHE_DIR;
const userDir = path.join(process.env.CHARTROOM_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME || require('node:os').homedir(), '.cache'), 'chartroom'), 'code');
const APART = new Set(['./kube-client.cjs', './re2js.cjs', './undici.cjs', './openpgp.cjs', './yaml.cjs', './bcryptjs.cjs', './cli-progress.cjs', './server.cjs']);
const loaded = new Map();
const pending = [];

/** Commands that have a code cache of their own, by the name of its group; any other command uses the default one. */
const GROUPS = new Map([
  ['version', 'version'],
  ['create', 'create'],
  ['show', 'show'],
  ['inspect', 'show'],
  // `template` has two, one per engine (see templateGroup).
  ['package', 'package'],
  // `repo index` has a group of its own (see GROUP_FLAGS); `repo add`, `update`, … share this one.
  ['repo', 'repo'],
  // Runs with V8 flags of its own (see GROUP_FLAGS): a cache made under other flags would be rejected.
  ['lint', 'lint'],
  // Not for its start-up: `serve` runs with a V8 flag of its own (its heap growth), and a cache made under
  // other flags is rejected, so the server keeps one of its own instead of overwriting the default one.
  ['serve', 'serve'],
]);
/** Global flags that take the next argument as their value. */
const GLOBAL_WITH_VALUE = new Set(['--config-dir', '--cache-dir', '--kubeconfig', '--kube-context']);

/** This run's command and subcommand ('version' for `--version`), '' where there is none. */
function commandWords(args) {
  const words = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const a = args[i];
    if (a === '--version' && words.length === 0) return ['version', ''];
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  return [words[0] || '', words[1] || ''];
}

/**
 * `template` has a cache per engine. Both engines' code in one cache made the Go scaffold's first render 1.6 ms
 * slower and the 200-template Go chart's 3 ms: V8 reads the whole cache at every start. A chart folder whose
 * Chart.yaml names Handlebars gets the Handlebars cache; anything else (a Go chart, an archive, a repository
 * reference) the Go one. The guess only picks a cache: a chart it gets wrong renders the same, compiling what
 * the cache lacks.
 */
function templateGroup(args) {
  for (const a of args) {
    if (a.startsWith('-') || a === 'template') continue;
    const file = path.join(a, 'Chart.yaml');
    // existsSync first: an argument that is not a chart folder (the release name, a flag's value) costs no
    // exception, which Node makes with a stack trace.
    if (!fs.existsSync(file)) continue;
    let text;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    return text.includes('handlebars') ? 'template-hb' : 'template';
  }
  return 'template';
}

/** The code-cache group of a command line: '' for the default cache. */
function groupOf(args) {
  const [command, sub] = commandWords(args);
  if (command === 'repo' && sub === 'index') return 'repo-index';
  if (command === 'template') return templateGroup(args);
  return GROUPS.get(command) || '';
}

/*
 * V8 hands a function to its optimising compiler (TurboFan) after a budget of bytecodes run in it. In a run
 * of a tenth of a second that compile work is mostly wasted: it competes with the run for the CPU, and a
 * 200-template render took 102 ms with the default budget against 85 ms with 16 times that budget (85 ms
 * with no optimising at all); `repo index` over 1,000 archives 69 ms against 65. Code that stays hot for
 * longer is still optimised. Only the commands that run a burst of our own code get it: any V8 flag set at
 * run time also makes V8 refuse Node's own code cache for the built-in modules loaded after it (zlib and
 * streams cost `package` 1.1 ms instead of 0.4 ms), which commands that do little would pay for nothing, and
 * long work (`repo update` of a 20 MB index: 8% slower) is better optimised early. A server runs for hours:
 * `chart serve` keeps V8's default budget.
 */
const TIER_UP_BUDGET = 16 * 67584;

/** The V8 flags each code-cache group runs with (its cache is made under them). */
const GROUP_FLAGS = new Map([
  ['template', `--interrupt-budget=${TIER_UP_BUDGET}`],
  ['template-hb', `--interrupt-budget=${TIER_UP_BUDGET}`],
  ['lint', `--interrupt-budget=${TIER_UP_BUDGET}`],
  ['repo-index', `--interrupt-budget=${TIER_UP_BUDGET}`],
  // `serve` sets its heap growth (cli/commands/serve.ts); set here too, before any bundle loads, the caches its
  // run writes at exit match the flags of its next start.
  ['serve', process.env.CHARTROOM_SERVE_HEAP === 'default' ? '' : '--heap-growing-percent=50'],
]);

/** Built-in modules loaded before a group's flags are set (see below); the others get node:process alone. */
const GROUP_BUILTINS = new Map([['repo-index', ['node:process', 'node:crypto', 'node:zlib']]]);

/**
 * While the build writes caches (CHARTROOM_CODE_CACHE_DIR), CHARTROOM_CODE_CACHE_GROUP makes a run write the
 * cache of the group it names ('default' for the default one) under that group's flags: the default cache is
 * made from a `lint` run, which goes through most of the code, and the `repo` group's from a `repo index` run.
 */
const forcedGroup = process.env.CHARTROOM_CODE_CACHE_DIR ? process.env.CHARTROOM_CODE_CACHE_GROUP : undefined;
/** The code-cache group of this run: '' for the default cache. */
const cliGroup = forcedGroup ? (forcedGroup === 'default' ? '' : forcedGroup) : groupOf(process.argv.slice(2));

/**
 * Sets V8 flags. `require('node:v8')` costs 1.3 ms (it loads Node's streams for heap snapshots), a tenth of
 * what a small command spends past Node's own start; V8's binding, which that module wraps, costs 0.14 ms.
 * process.binding is deprecated (its warning is silenced for this one call), so the module stays the fallback.
 */
function setV8Flags(flags) {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const binding = process.binding('v8');
    if (typeof binding.setFlagsFromString === 'function') return binding.setFlagsFromString(flags);
  } catch {
    // A Node without it: the module below.
  } finally {
    process.noDeprecation = quiet;
  }
  require('node:v8').setFlagsFromString(flags);
}

/** The V8 flags this launcher sets for this run ('' for none): part of the user caches' tag (see flagTag). */
const runFlags = GROUP_FLAGS.get(cliGroup) || '';
if (runFlags) {
  // Built-in modules the group's commands load, loaded first: after a flag is set V8 refuses Node's code cache
  // for built-ins and compiles them from their source (the CLI's `require('node:process')`: 0.3 ms).
  for (const m of GROUP_BUILTINS.get(cliGroup) || ['node:process']) require(m);
  setV8Flags(runFlags);
}

/**
 * A tag for a set of Node and V8 flags, '' for none: V8 rejects a cache made under other flags, so runs with
 * different flags keep caches of their own instead of overwriting one another's (re2js's, say, used by
 * `template` with the tier-up budget and by `install` without it). FNV-1a; Node's crypto costs 2 ms to load.
 */
function flagTag(flags) {
  if (!flags) return '';
  let h = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) h = Math.imul(h ^ flags.charCodeAt(i), 0x01000193);
  return `${(h >>> 0).toString(16).padStart(8, '0')}-`;
}
/** The user caches' tag: this run's flags (command line, NODE_OPTIONS and runFlags). */
const userTag = flagTag([...process.execArgv, process.env.NODE_OPTIONS || '', runFlags].join(' ').trim());
/** The shipped caches' tag: the launcher's own flags only (the build runs the CLI with no others). */
const shipTag = flagTag(runFlags);

function readCache(candidates) {
  for (const c of candidates) {
    try {
      return { file: c, data: fs.readFileSync(c) };
    } catch {
      // Next candidate.
    }
  }
  return undefined;
}

/** Loads one of our bundles as a CommonJS module, compiled with its code cache. */
function load(file) {
  const done = loaded.get(file);
  if (done) return done.exports;
  // The build makes the CLI's bundles ASCII only, so latin1 reads them exactly, without decoding UTF-8; the
  // server's bundle may hold other characters and is read as UTF-8 (once per `chart serve`).
  const source = fs.readFileSync(file, path.basename(file) === 'server.cjs' ? 'utf8' : 'latin1');
  const st = fs.statSync(file);
  const group = path.basename(file) === 'cli.cjs' && cliGroup ? `.${cliGroup}` : '';
  const name = `${path.basename(file, '.cjs')}${group}-${process.version}-${process.arch}-${st.size}.bin`;
  const user = path.join(userDir, `${Math.floor(st.mtimeMs)}-${userTag}${name}`);
  const target = buildDir ? path.join(buildDir, shipTag + name) : user;
  // The build starts from the cache an earlier warm-up run left, and writes it back with what this run
  // compiled: a library bundle several commands use gets a cache that covers all of them.
  const hit = off ? undefined : readCache(buildDir ? [target] : [user, path.join(path.dirname(file), shipTag + name)]);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: hit?.data });
  if (!off && (buildDir || !hit || script.cachedDataRejected)) pending.push({ script, target });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  loaded.set(file, mod);
  const real = Module.createRequire(file);
  const req = Object.assign((id) => (APART.has(id) ? load(path.join(path.dirname(file), id)) : real(id)), { resolve: real.resolve, cache: real.cache, main: process.mainModule });
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/**
 * `mkdir -p`, one level at a time: Node 20's `{ recursive: true }` spins forever for a folder under /proc (a
 * cache folder set there by mistake must not hang every command at exit).
 */
function makeDirs(dir) {
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    if (e.code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (e.code !== 'ENOENT' || parent === dir) throw e;
    makeDirs(parent);
    fs.mkdirSync(dir);
  }
}

process.once('exit', () => {
  for (const { script, target } of pending) {
    try {
      const data = script.createCachedData();
      makeDirs(path.dirname(target));
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, target);
    } catch {
      // Read-only install or full disk: start-up stays uncached.
    }
  }
});

load(path.join(__dirname, 'cli.cjs'));
