import { parseRenderedFile, sortDocuments } from '../../kube/manifests.js';
import { checkSchemas, prepareValues, renderTemplates, type RenderOptions } from '../../render/pipeline.js';
import type { Chart } from '../../chart/model.js';
import { fromError, type LintMessage } from '../types.js';
import { lintManifest } from './kubernetes.js';

/**
 * Rule families "values" and "templates": the values and every schema, then each template rendered with
 * them (through the render pipeline), each file's YAML, and the Kubernetes rules on every document. A
 * problem in one template does not hide the others'.
 */
export async function lintValuesAndTemplates(chart: Chart, opts: RenderOptions): Promise<LintMessage[]> {
  const messages: LintMessage[] = [];
  try {
    const prepared = prepareValues(chart, opts);
    for (const w of prepared.warnings) messages.push({ severity: 'warning', message: w });
    try {
      await checkSchemas(prepared);
    } catch (e) {
      messages.push(fromError(e));
    }
    if (chart.metadata.type === 'library') return messages;
    const templates = (await renderTemplates(prepared, opts)).templates;
    for (const t of templates) {
      let sorted;
      try {
        sorted = sortDocuments(parseRenderedFile(t));
      } catch (e) {
        messages.push(fromError(e));
        continue;
      }
      for (const w of sorted.warnings) messages.push({ severity: 'warning', message: w, file: t.file });
      for (const m of [...sorted.manifests, ...sorted.hooks, ...sorted.skipped]) messages.push(...lintManifest(m, t.file));
    }
  } catch (e) {
    messages.push(fromError(e));
  }
  return messages;
}
