// Bundles the CLI into one ESM file so `chart` starts by reading a single module.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: { chart: 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // Handlebars builds source maps of generated template code when `source-map` loads; we never use them,
  // and its light fallback compiles templates several times faster.
  alias: { 'source-map': './build/empty.js' },
  define: { CHARTROOM_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
chmodSync('dist/chart.js', 0o755);
