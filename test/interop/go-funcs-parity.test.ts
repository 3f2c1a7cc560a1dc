import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { renderTemplates, prepareValues } from '../../core/render/pipeline.js';
import { goEngine } from '../../template-engine/go/index.js';
import { CASES, VALUES_YAML } from '../fixtures/go-func-cases.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Functions whose answer depends on the clock, randomness or fresh keys cannot be compared across two runs.
const UNSTABLE = /\b(now|ago|date|dateInZone|htmlDate|unixEpoch|rand\w*|uuidv4|shuffle|gen\w+|bcrypt|htpasswd|encryptAES|derivePassword|randBytes|getHostByName)\b/;
const live = CASES.filter(([expr, want]) => typeof want === 'string' && !UNSTABLE.test(expr));

describe('Sprig and Helm functions: the same answers as the real helm, in one live run', () => {
  it(`renders ${live.length} expressions as helm template does`, async () => {
    const dir = join(tmp.dir, 'funcs');
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: funcs\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'values.yaml'), VALUES_YAML);
    // One line per expression between numbered markers, so helm's single run maps back to the cases.
    // Each line a YAML comment (helm parses every rendered file as YAML), the answer in base64 so that no
    // character of it (a NEL, say, which YAML 1.1 takes as a line break) can break the line.
    const body = live.map(([expr], i) => `#<${i}>{{ printf "%v" (${expr}) | b64enc }}</${i}>\n`).join('');
    writeFileSync(join(dir, 'templates', 'cases.txt'), body);
    const theirs = (await helm(['template', 'rel', dir, '--show-only', 'templates/cases.txt'])).stdout;
    const prepared = prepareValues(loadChartDir(dir), {});
    const ours = (await renderTemplates(prepared, { releaseName: 'rel', engines: () => goEngine })).templates.find((t) => t.path === 'funcs/templates/cases.txt')!.content;
    const pick = (text: string) => new Map([...text.matchAll(/#<(\d+)>(.*?)<\/\1>/g)].map((m) => [Number(m[1]), m[2]]));
    const a = pick(ours);
    const b = pick(theirs);
    expect(b.size).toBe(live.length);
    const text = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'));
    const differ = live.map(([expr], i) => ({ expr, ours: text(a.get(i)), helm: text(b.get(i)) })).filter((d) => d.ours !== d.helm);
    expect(differ).toEqual([]);
  });
});
