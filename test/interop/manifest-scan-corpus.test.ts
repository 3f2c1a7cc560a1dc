import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitDocuments } from '../../core/kube/manifests.js';
import { helm } from '../support/helm.js';
import { check, mutations } from '../support/manifest-scan-check.js';

/** Public Helm charts kept beside the project (never copied into it): ../shared/corpus, or CHARTROOM_CORPUS_DIR. */
const CORPUS = process.env.CHARTROOM_CORPUS_DIR ?? resolve(process.cwd(), '..', 'shared', 'corpus');

describe('the one-pass manifest scanner on what the real helm renders from real charts', () => {
  it('accepts only what the full parser accepts, with the same heads, on the output and on mutations of it', async () => {
    if (!existsSync(CORPUS)) throw new Error(`the chart corpus is not at ${CORPUS}: put ../shared/corpus beside the checkout, or set CHARTROOM_CORPUS_DIR`);
    let fast = 0;
    let slow = 0;
    let docsFast = 0;
    let docs = 0;
    for (const [name, flags] of [['cert-manager', []], ['grafana', ['--set', 'adminPassword=x']], ['ingress-nginx', []]] as const) {
      const out = (await helm(['template', 'rel', join(CORPUS, name), '--kube-version', '1.30.0', ...flags])).stdout;
      for (const doc of splitDocuments(out)) {
        docs++;
        if (check(doc) === 'fast') docsFast++;
        for (const variant of mutations(doc).slice(0, 400)) {
          if (check(variant) === 'fast') fast++;
          else slow++;
        }
      }
    }
    if (process.env.CHARTROOM_DEBUG) console.log({ docs, docsFast, fast, slow });
    expect(docs).toBeGreaterThan(50);
    // Real charts' output is mostly the plain block style.
    expect(docsFast / docs).toBeGreaterThan(0.9);
    expect(fast).toBeGreaterThan(1000);
    expect(slow).toBeGreaterThan(1000);
  }, 120_000);
});
