// Runs every benchmark and writes bench/.work/results.json (the figures for docs/performance.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORK } from './lib.mjs';
import * as startup from './startup.mjs';
import * as scaffold from './template-scaffold.mjs';
import * as big from './big-chart.mjs';
import * as registry from './registry.mjs';
import * as repo from './repo.mjs';
import * as abuse from './abuse.mjs';
import * as release from './release.mjs';
import * as goTemplate from './go-template.mjs';
import * as oci from './oci.mjs';
import * as ui from './ui.mjs';
import * as everyday from './everyday.mjs';

const results = [startup.run(), ...scaffold.run(), ...big.run(), ...goTemplate.run()];
const registryFigures = await registry.run();
results.push(...(await repo.run()));
results.push(...(await everyday.run()));
const abuseFigures = await abuse.run();
const releaseFigures = await release.run();
const ociFigures = await oci.run();
const uiFigures = await ui.run();
mkdirSync(WORK, { recursive: true });
writeFileSync(join(WORK, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results, registry: registryFigures, abuse: abuseFigures, release: releaseFigures, oci: ociFigures, ui: uiFigures }, null, 2));
console.log(`\n${results.filter((r) => r.met).length}/${results.length} goals met; details in bench/.work/results.json`);
