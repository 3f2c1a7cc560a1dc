// Regenerates the golden files from the built CLI: `npm run golden`. Review the diff before committing.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const cases = JSON.parse(readFileSync('test/golden/cases.json', 'utf8'));
for (const c of cases) {
  const out = execFileSync(process.execPath, ['dist/chart.cjs', ...c.args], { encoding: 'utf8' });
  writeFileSync(`test/golden/${c.name}.golden.yaml`, out);
  console.log(`wrote test/golden/${c.name}.golden.yaml`);
}
