#!/usr/bin/env node
'use strict';
// Runs dist/cli.cjs with V8's code cache (Node 20 has no module compile cache of its own). The build leaves
// a cache beside the bundle (made by running the CLI once); otherwise the first run stores one under the
// user's cache folder. A cache from another Node version is rejected by V8 and simply not used.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const os = require('node:os');

const file = path.join(__dirname, 'cli.cjs');
const source = fs.readFileSync(file, 'utf8');
const off = process.env.CHARTROOM_NO_CACHE && process.env.CHARTROOM_NO_CACHE !== '0';
const st = fs.statSync(file);
const name = `cli-${process.version}-${process.arch}-${st.size}.bin`;
let cacheFile;
let cached;
if (!off) {
  const shipped = path.join(__dirname, name);
  const base = process.env.CHARTROOM_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'chartroom');
  const candidates = process.env.CHARTROOM_CODE_CACHE_FILE ? [process.env.CHARTROOM_CODE_CACHE_FILE] : [shipped, path.join(base, 'code', `${Math.floor(st.mtimeMs)}-${name}`)];
  for (const c of candidates) {
    try {
      cached = fs.readFileSync(c);
      cacheFile = c;
      break;
    } catch {
      cacheFile = c;
    }
  }
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: cached });
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
if (cacheFile && (!cached || script.cachedDataRejected)) {
  process.once('exit', () => {
    try {
      const data = script.createCachedData();
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, cacheFile);
    } catch {
      // Read-only install or full disk: start-up stays uncached.
    }
  });
}
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
