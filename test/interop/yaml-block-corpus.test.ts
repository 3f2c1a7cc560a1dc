import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { blockMutations, checkBlock, yamlFiles } from '../support/yaml-block-check.js';

/**
 * The one-pass block YAML reader against js-yaml with Helm's schema on the public charts kept beside the
 * project (../shared/corpus, or CHARTROOM_CORPUS_DIR): every YAML file, and windows of the values files
 * mutated a line or two at a time. See test/unit/yaml-block.test.ts.
 */
const CORPUS = process.env.CHARTROOM_CORPUS_DIR ?? resolve(process.cwd(), '..', 'shared', 'corpus');

describe('block YAML reader on the corpus', () => {
  it('has the corpus', () => {
    if (!existsSync(CORPUS)) throw new Error(`the chart corpus is not at ${CORPUS}: put ../shared/corpus beside the checkout, or set CHARTROOM_CORPUS_DIR`);
  });

  const files = existsSync(CORPUS) ? yamlFiles(CORPUS) : [];

  it('agrees with js-yaml on every YAML file, and reads most values files itself', () => {
    const values = files.filter((f) => /\/values\.yaml$/.test(f));
    expect(values.length).toBeGreaterThanOrEqual(3);
    let fastValues = 0;
    for (const f of files) {
      const took = checkBlock(readFileSync(f, 'utf8'));
      if (took === 'fast' && values.includes(f)) fastValues++;
    }
    expect(fastValues).toBeGreaterThanOrEqual(2);
  });

  it('agrees with js-yaml on mutated windows of the values files', () => {
    let fast = 0;
    let n = 0;
    for (const [i, f] of files.filter((x) => /values.*\.yaml$/.test(x)).entries()) {
      const lines = readFileSync(f, 'utf8').split('\n');
      for (let start = 0; start < lines.length; start += 40) {
        const window = lines.slice(start, start + 40).join('\n');
        for (const t of [window, ...blockMutations(window, 8, i * 100000 + start)]) {
          n++;
          if (checkBlock(t) === 'fast') fast++;
        }
      }
    }
    expect(n).toBeGreaterThan(1000);
    expect(fast).toBeGreaterThan(n / 10);
  });
});
