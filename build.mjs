// Builds the CLI: one CommonJS bundle (dist/cli.cjs) and a small launcher (dist/chart.cjs) that runs it
// through V8's code cache, so that after the first run `chart` starts without compiling its own code.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'error',
  // Handlebars builds source maps of generated code when `source-map` loads; we never generate code.
  alias: { 'source-map': './build/empty.js' },
  define: { CHARTROOM_VERSION: JSON.stringify(pkg.version) },
});
writeFileSync('dist/chart.cjs', readFileSync('build/launcher.cjs'));
chmodSync('dist/chart.cjs', 0o755);
