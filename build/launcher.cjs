#!/usr/bin/env node
'use strict';
// Runs dist/cli.cjs with V8's code cache (Node 20 has no module compile cache of its own): the first run
// stores the compiled code under the cache folder, later runs start from it. Any cache problem only costs speed.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const os = require('node:os');

const file = path.join(__dirname, 'cli.cjs');
const source = fs.readFileSync(file, 'utf8');
const off = process.env.CHARTROOM_NO_CACHE && process.env.CHARTROOM_NO_CACHE !== '0';
let cacheFile;
let cached;
if (!off) {
  const st = fs.statSync(file);
  const base = process.env.CHARTROOM_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'chartroom');
  cacheFile = path.join(base, 'code', `cli-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.bin`);
  try {
    cached = fs.readFileSync(cacheFile);
  } catch {
    cached = undefined;
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
      // Read-only home or full disk: start-up stays uncached.
    }
  });
}
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
