import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Chart } from '../../chart/model.js';
import { explainUnsatisfied, satisfiesDependency } from '../../chart/dependency-rule.js';
import { kubeVersionSatisfies } from '../../kube/capabilities.js';
import { positionOf } from '../../yaml.js';
import type { LintMessage } from '../types.js';
import { DNS1123_LABEL } from './kubernetes.js';

/** Rule family "chartfile": Chart.yaml, the files a chart should have, its dependencies in charts/, kubeVersion. */
export function lintChartfile(chart: Chart, path: string, kubeVersion: string): LintMessage[] {
  const messages: LintMessage[] = [];
  const md = chart.metadata;
  const cy = chart.metadataFile;
  for (const w of chart.metadataWarnings) messages.push({ severity: 'warning', message: w.message, file: cy, line: w.line, field: w.field });
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  // A warning, not an error: helm 4 lints (and packages) such a folder without a word; --strict fails it.
  if (isDir && basename(resolve(path)) !== md.name) {
    messages.push({ severity: 'warning', message: `chart name ${JSON.stringify(md.name)} does not match its folder name ${JSON.stringify(basename(resolve(path)))}`, file: cy, line: positionOf(chart.metadataYaml, ['name'])?.line, field: 'name' });
  }
  if (!DNS1123_LABEL.test(md.name)) messages.push({ severity: 'warning', message: `chart name ${JSON.stringify(md.name)} should be lowercase letters, digits and "-"`, file: cy, field: 'name' });
  if (!md.icon) messages.push({ severity: 'info', message: 'icon is recommended', file: cy, field: 'icon' });
  if (!md.description) messages.push({ severity: 'info', message: 'description is recommended', file: cy, field: 'description' });
  if (md.appVersion === undefined && md.type !== 'library') messages.push({ severity: 'info', message: 'appVersion is recommended', file: cy, field: 'appVersion' });
  if (!chart.hasValuesFile) messages.push({ severity: 'info', message: 'values.yaml file does not exist', file: `${chart.source}/values.yaml` });
  if (chart.templates.length === 0) messages.push({ severity: 'info', message: 'templates/ has no templates', file: `${chart.source}/templates` });
  for (const [i, dep] of (md.dependencies ?? []).entries()) {
    const named = chart.dependencies.filter((c) => c.metadata.name === dep.name);
    if (named.some((c) => satisfiesDependency(c.metadata.version, dep.version))) continue;
    const line = positionOf(chart.metadataYaml, ['dependencies', i])?.line;
    const message = named.length
      ? `dependency ${dep.name} ${dep.version}: charts/ has ${named.map((c) => explainUnsatisfied(c.metadata.version, dep.version ?? '')).join('; ')}`
      : `dependency ${dep.name} is declared in Chart.yaml but missing from charts/ (run chart dependency build)`;
    messages.push({ severity: 'error', message, file: cy, line, field: `dependencies[${i}]` });
  }
  if (md.kubeVersion && !kubeVersionSatisfies(kubeVersion, md.kubeVersion)) {
    messages.push({ severity: 'error', message: `kubeVersion ${md.kubeVersion} is not satisfied by Kubernetes ${kubeVersion}`, file: cy, field: 'kubeVersion' });
  }
  return messages;
}
