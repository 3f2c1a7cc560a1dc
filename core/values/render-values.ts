import { ChartroomError } from '../errors.js';
import type { Chart, Values } from '../chart/model.js';
import type { ChartDependency } from '../chart/metadata.js';
import { positionOf } from '../yaml.js';
import { explainUnsatisfied, satisfiesDependency } from '../chart/dependency-rule.js';
import { deepClone, fillMissing, getKey, getPath, hasKey, isMap, nestAt, setKey } from './tree.js';

/** A chart as it takes part in one render: its name in the parent's values, its defaults, its enabled subcharts. */
export interface RenderNode {
  chart: Chart;
  /** Key in the parent's values: the alias, else the chart name. */
  name: string;
  /** Keys from the top chart's values down to this chart's values. */
  path: string[];
  /** The parent's Chart.yaml entry for this chart, if it has one. */
  dependency?: ChartDependency;
  /** values.yaml plus imported values. */
  defaults: Values;
  children: RenderNode[];
}

export interface ValueWarning {
  message: string;
  chart: string;
}

/** Builds the render tree: each declared dependency matched to a chart in charts/, aliases applied. */
export function buildRenderTree(chart: Chart, path: string[] = [], dependency?: ChartDependency, name = chart.metadata.name): RenderNode {
  const node: RenderNode = { chart, name, path, dependency, defaults: deepClone(chart.values), children: [] };
  const used = new Set<Chart>();
  for (const [i, dep] of (chart.metadata.dependencies ?? []).entries()) {
    const candidates = chart.dependencies.filter((c) => c.metadata.name === dep.name);
    const found = candidates.find((c) => satisfiesDependency(c.metadata.version, dep.version));
    if (!found) {
      const pos = positionOf(chart.metadataYaml, ['dependencies', i]);
      const local = dep.repository?.startsWith('file://');
      const why = candidates.map((c) => explainUnsatisfied(c.metadata.version, dep.version ?? '')).join('; ');
      throw new ChartroomError(candidates.length ? 'DEPENDENCY_VERSION' : 'DEPENDENCY_MISSING', candidates.length ? `dependency ${dep.name} ${dep.version} is not satisfied by charts/: ${why}` : `dependency ${dep.name} is declared in Chart.yaml but missing from charts/`, {
        file: chart.metadataFile,
        line: pos?.line,
        field: `dependencies[${i}]`,
        hint: candidates.length && local ? `change the range in Chart.yaml, or the version in ${dep.repository}` : candidates.length ? 'change the range in Chart.yaml, or run `chart dependency update` to fetch a version it accepts' : 'run `chart dependency build` (or `update`) to fetch it',
      });
    }
    used.add(found);
    const childName = dep.alias || dep.name;
    node.children.push(buildRenderTree(found, [...path, childName], dep, childName));
  }
  for (const sub of chart.dependencies) {
    if (!used.has(sub)) node.children.push(buildRenderTree(sub, [...path, sub.metadata.name], undefined, sub.metadata.name));
  }
  return node;
}

/**
 * Fills `dest` from `defaults`. A null in `dest` over a default marks that key for removal; the null stays
 * until the subcharts below have seen it too, then `removals` deletes it.
 */
function coalesceDefaults(dest: Values, defaults: Values, removals: [Values, string][]): void {
  for (const k of Object.keys(defaults)) {
    if (hasKey(dest, k)) {
      const dv = dest[k];
      if (dv === null) removals.push([dest, k]);
      else if (isMap(dv) && isMap(defaults[k])) coalesceDefaults(dv, defaults[k] as Values, removals);
    } else {
      setKey(dest, k, deepClone(defaults[k]));
    }
  }
}

function stripNulls(v: Values): void {
  for (const k of Object.keys(v)) {
    if (v[k] === null) delete v[k];
    else if (isMap(v[k])) stripNulls(v[k] as Values);
  }
}

/** Copies the parent's globals into the child's; the parent wins. */
function coalesceGlobals(child: Values, parent: Values, warnings: ValueWarning[], chartName: string): void {
  const pg = getKey(parent, 'global');
  let cg = getKey(child, 'global');
  if (cg === undefined || cg === null) cg = {};
  if (!isMap(cg)) {
    warnings.push({ chart: chartName, message: `global in ${chartName} is not a mapping; ignored` });
    cg = {};
  }
  const out = cg as Values;
  if (isMap(pg)) {
    for (const k of Object.keys(pg)) {
      const pv = pg[k];
      const cv = getKey(out, k);
      if (isMap(pv) && isMap(cv)) {
        const merged = deepClone(pv);
        fillMissing(merged, cv);
        setKey(out, k, merged);
      } else {
        setKey(out, k, deepClone(pv));
      }
    }
  }
  setKey(child, 'global', out);
}

/** Helm's coalescing: user values over each chart's defaults, subcharts under their name, globals shared. */
export function coalesceTree(node: RenderNode, user: Values, warnings: ValueWarning[] = []): Values {
  const dest = deepClone(user);
  coalesceNode(node, dest, true, warnings);
  return dest;
}

function coalesceNode(node: RenderNode, dest: Values, top: boolean, warnings: ValueWarning[]): void {
  const removals: [Values, string][] = [];
  coalesceDefaults(dest, node.defaults, removals);
  for (const child of node.children) {
    let cv = getKey(dest, child.name);
    if (cv !== undefined && cv !== null && !isMap(cv)) {
      warnings.push({ chart: node.chart.metadata.name, message: `value ${[...node.path, child.name].join('.')} is not a mapping, so it cannot hold values for subchart ${child.name}; ignored` });
    }
    if (!isMap(cv)) cv = {};
    coalesceGlobals(cv as Values, dest, warnings, child.name);
    coalesceNode(child, cv as Values, false, warnings);
    setKey(dest, child.name, cv);
  }
  for (const [obj, key] of removals) if (obj[key] === null) delete obj[key];
  if (!top) stripNulls(dest);
}

/** Evaluates `tags` and `condition` of each dependency and drops the disabled subcharts. */
function pruneDisabled(node: RenderNode, full: Values, warnings: ValueWarning[]): void {
  const tags = getPath(full, ['tags']);
  node.children = node.children.filter((child) => {
    const dep = child.dependency;
    if (!dep) return true;
    let enabled = true;
    if (dep.tags && dep.tags.length > 0 && isMap(tags)) {
      let hasTrue = false;
      let hasFalse = false;
      for (const t of dep.tags) {
        const v = getKey(tags, t);
        if (v === true) hasTrue = true;
        else if (v === false) hasFalse = true;
        else if (v !== undefined) warnings.push({ chart: node.chart.metadata.name, message: `tag ${t} is not a boolean; ignored` });
      }
      if (!hasTrue && hasFalse) enabled = false;
    }
    if (dep.condition) {
      for (const cond of dep.condition.split(',')) {
        const p = cond.trim();
        if (!p) continue;
        const v = getPath(full, [...node.path, ...p.split('.')]);
        if (typeof v === 'boolean') {
          enabled = v;
          break;
        }
        if (v !== undefined && v !== null) warnings.push({ chart: node.chart.metadata.name, message: `condition ${p} of ${child.name} is not a boolean; ignored` });
      }
    }
    return enabled;
  });
  for (const c of node.children) pruneDisabled(c, full, warnings);
}

function depthOf(node: RenderNode): number {
  return node.children.reduce((m, c) => Math.max(m, 1 + depthOf(c)), 0);
}

function nodesAt(node: RenderNode, depth: number): RenderNode[] {
  if (depth === 0) return [node];
  return node.children.flatMap((c) => nodesAt(c, depth - 1));
}

/** Applies `import-values`, deepest charts first; a parent's own values win over what it imports. */
function applyImports(root: RenderNode, warnings: ValueWarning[]): void {
  for (let d = depthOf(root) - 1; d >= 0; d--) {
    const full = coalesceTree(root, {}, []);
    for (const node of nodesAt(root, d)) {
      let imported: Values = {};
      let any = false;
      for (const child of node.children) {
        for (const iv of child.dependency?.['import-values'] ?? []) {
          const childPath = typeof iv === 'string' ? ['exports', iv] : iv.child.split('.').filter(Boolean);
          const parentPath = typeof iv === 'string' ? '' : iv.parent;
          const src = getPath(full, [...child.path, ...childPath]);
          if (!isMap(src)) {
            warnings.push({ chart: node.chart.metadata.name, message: `import-values: ${child.name}.${childPath.join('.')} is not a mapping of values; nothing imported` });
            continue;
          }
          const part = parentPath === '' || parentPath === '.' ? deepClone(src) : nestAt(parentPath, deepClone(src));
          imported = fillMissing(imported, part);
          any = true;
        }
      }
      if (any) node.defaults = fillMissing(deepClone(node.defaults), imported);
    }
  }
}

export interface RenderValues {
  tree: RenderNode;
  /** The top chart's values, subcharts' under their names. */
  values: Values;
  warnings: ValueWarning[];
}

/** From a chart and the user's values to the values every chart of the render sees. */
export function computeRenderValues(chart: Chart, user: Values): RenderValues {
  const warnings: ValueWarning[] = [];
  const tree = buildRenderTree(chart);
  const before = coalesceTree(tree, user, []);
  pruneDisabled(tree, before, warnings);
  applyImports(tree, warnings);
  const values = coalesceTree(tree, user, warnings);
  return { tree, values, warnings };
}

/** The values a node sees as `.Values`. */
export function valuesFor(node: RenderNode, values: Values): Values {
  const v = getPath(values, node.path);
  return isMap(v) ? v : {};
}
