import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { formatManifests } from '../../core/kube/manifests.js';
import { renderChart } from '../../core/render/pipeline.js';
import { goEngine } from '../../template-engine/go/index.js';
import { lex } from '../../template-engine/go/parse/lexer.js';
import { helm } from '../support/helm.js';

/** Public Helm charts kept beside the project (never copied into it): ../shared/corpus, or CHARTROOM_CORPUS_DIR. */
const CORPUS = process.env.CHARTROOM_CORPUS_DIR ?? resolve(process.cwd(), '..', 'shared', 'corpus');

const cases: [string, string[]][] = existsSync(CORPUS)
  ? [
      ['cert-manager', []],
      ['grafana', ['--set', 'adminPassword=corpus-test']],
      ['ingress-nginx', []],
      ...readdirSync(join(CORPUS, 'ingress-nginx', 'ci'))
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f): [string, string[]] => ['ingress-nginx', ['-f', join(CORPUS, 'ingress-nginx', 'ci', f)]]),
    ]
  : [];

describe('real Helm charts render with the Go-template engine exactly as helm template renders them', () => {
  it('has the corpus', () => {
    if (!existsSync(CORPUS)) throw new Error(`the chart corpus is not at ${CORPUS}: put ../shared/corpus beside the checkout, or set CHARTROOM_CORPUS_DIR`);
    expect(cases.length).toBeGreaterThan(3);
  });
  it.each(cases)('%s %j', async (name, flags) => {
    const dir = join(CORPUS, name);
    const theirs = (await helm(['template', 'rel', dir, '--kube-version', '1.30.0', ...flags])).stdout;
    const r = await renderChart(loadChartDir(dir), {
      releaseName: 'rel',
      kubeVersion: '1.30.0',
      valueFiles: flags[0] === '-f' ? [flags[1]] : [],
      set: flags[0] === '--set' ? [flags[1]] : [],
      engines: () => goEngine,
    });
    const ours = formatManifests([...r.manifests, ...r.hooks]);
    expect(ours.length).toBeGreaterThan(1000);
    expect(ours).toBe(theirs);
  });
  it("lexes every template of the corpus the same with the lexer's RegExp fast path as rune by rune", () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ya?ml|tpl|txt)$/.test(n) && p.includes(`${join('', 'templates')}`)) files.push(p);
      }
    };
    walk(CORPUS);
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect({ f, items: lex(f, text) }).toEqual({ f, items: lex(f, text, '{{', '}}', { fastTokens: false }) });
    }
  });
});
