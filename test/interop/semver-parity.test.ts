import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from '../../core/semver-range.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const RANGES = ['^1.0.0', '~1.2', '~1.2.3', '1.2.x', '1.x', '*', '>=1.0.0 <2.0.0', '>= 1.0, < 1.2 || ^2', '>=1.5.0-0 <2.0.0', '<2.0.0', '>=1.0.0-0', '^1.1.0-0', '1.2 - 1.4', '1.0.0 - 2.0.0', '>1.2', '<=1.2', '!=1.2.3', '~>1.2.0', '=1.2.3', '1.2.3', '^0.2.3', '^0.0.3', '>1.2.3-alpha', '2.0.0-alpha', '>=1.2.0-rc.1 <1.3.0'];
const VERSIONS = ['0.0.3', '0.0.4', '0.2.5', '0.3.0', '1.0.0', '1.1.0-beta.1', '1.2.0-rc.1', '1.2.0', '1.2.3', '1.2.3+build.7', '1.2.4', '1.3.0', '1.4.5', '1.5.0-rc.1', '1.9.9', '2.0.0-alpha', '2.0.0', '2.1.0', '10.0.0'];

describe('version constraints mean what they mean to helm', () => {
  it('agrees with helm semverCompare on every pair', async () => {
    const dir = join(tmp.dir, 'sv');
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: sv\nversion: 1.0.0\n');
    const lines: string[] = [];
    RANGES.forEach((r, i) => VERSIONS.forEach((v, j) => lines.push(`k${i}_${j}: {{ semverCompare ${JSON.stringify(r)} ${JSON.stringify(v)} }}`)));
    writeFileSync(join(dir, 'templates', 'x.yaml'), lines.join('\n') + '\n');
    const out = (await helm(['template', 'r', dir])).stdout;
    const theirs = new Map([...out.matchAll(/^k(\d+)_(\d+): (true|false)$/gm)].map((m) => [`${m[1]}_${m[2]}`, m[3] === 'true']));
    expect(theirs.size).toBe(RANGES.length * VERSIONS.length);
    const differences: string[] = [];
    RANGES.forEach((r, i) =>
      VERSIONS.forEach((v, j) => {
        const ours = satisfies(v, r);
        if (ours !== theirs.get(`${i}_${j}`)) differences.push(`${JSON.stringify(r)} ${v}: helm ${theirs.get(`${i}_${j}`)}, ours ${ours}`);
      }),
    );
    expect(differences).toEqual([]);
  });
});
