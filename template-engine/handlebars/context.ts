import type { Chart, Values } from '../../core/chart/model.js';
import type { CapabilitiesInfo, ReleaseInfo } from '../types.js';
import type { ChartFile } from '../../core/chart/archive.js';
import { toYamlString } from '../../core/yaml-dump.js';

/** `Release`, as charts know it from Helm. */
export function releaseObject(r: ReleaseInfo) {
  return {
    Name: r.name,
    Namespace: r.namespace,
    IsInstall: !r.isUpgrade,
    IsUpgrade: r.isUpgrade,
    Revision: r.revision,
    Service: r.service,
  };
}

/** The major and minor numbers of a version, as semver's coerce finds them (at most 16 digits each). */
const KUBE_MAJOR_MINOR = /(?:^|[^\d])(\d{1,16})(?:\.(\d{1,16}))?(?:\.(\d{1,16}))?(?:$|[^\d])/;

/** `Capabilities`: Kubernetes version and API versions, with `has` as in Helm's `APIVersions.Has`. */
export function capabilitiesObject(c: CapabilitiesInfo) {
  const raw = c.kubeVersion;
  // semver's coerce, written out (loading semver costs a render about a millisecond): the first run of
  // digits, and the one after a dot that follows it.
  const v = KUBE_MAJOR_MINOR.exec(raw);
  const gitVersion = raw.startsWith('v') ? raw : `v${raw}`;
  const set = new Set(c.apiVersions);
  const has = (version: unknown) => set.has(String(version));
  const apiVersions = Object.assign([...c.apiVersions], { has, Has: has });
  const kube = { Version: gitVersion, Major: v ? String(Number(v[1])) : '1', Minor: v ? String(Number(v[2] ?? 0)) : '0', GitVersion: gitVersion, toString: () => gitVersion };
  return {
    KubeVersion: kube,
    APIVersions: apiVersions,
    HelmVersion: { Version: c.toolVersion },
  };
}

/** `Chart`: Chart.yaml with Helm's capitalised field names. */
export function chartObject(chart: Chart) {
  const md = chart.metadata;
  return {
    Name: md.name,
    Version: md.version,
    AppVersion: md.appVersion ?? '',
    APIVersion: md.apiVersion,
    Description: md.description ?? '',
    Type: md.type ?? '',
    Keywords: md.keywords ?? [],
    Home: md.home ?? '',
    Sources: md.sources ?? [],
    Maintainers: (md.maintainers ?? []).map((m) => ({ Name: m.name, Email: m.email ?? '', URL: m.url ?? '' })),
    Icon: md.icon ?? '',
    KubeVersion: md.kubeVersion ?? '',
    Deprecated: md.deprecated ?? false,
    Annotations: md.annotations ?? {},
    Dependencies: (md.dependencies ?? []).map((d) => ({ Name: d.name, Version: d.version ?? '', Repository: d.repository ?? '', Condition: d.condition ?? '', Tags: d.tags ?? [], Alias: d.alias ?? '' })),
  };
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** `Files`: read-only access to the chart's own files, nothing outside it. */
export function filesObject(files: ChartFile[]) {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const matching = (pattern: unknown) => {
    if (pattern === undefined || pattern === null || typeof pattern === 'object') return files;
    const re = globToRegExp(String(pattern));
    return files.filter((f) => re.test(f.name));
  };
  const get = (name: unknown) => byName.get(String(name))?.toString('utf8') ?? '';
  const getBytes = (name: unknown) => [...(byName.get(String(name)) ?? [])];
  const glob = (pattern: unknown) => {
    const out: Record<string, string> = {};
    for (const f of matching(pattern)) out[f.name] = f.data.toString('utf8');
    return out;
  };
  const lines = (name: unknown) => {
    const s = get(name);
    if (s === '') return [];
    return (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
  };
  const asConfig = (pattern?: unknown) => {
    const out: Record<string, string> = {};
    for (const f of matching(pattern)) out[baseName(f.name)] = f.data.toString('utf8');
    return Object.keys(out).length ? toYamlString(out) : '';
  };
  const asSecrets = (pattern?: unknown) => {
    const out: Record<string, string> = {};
    for (const f of matching(pattern)) out[baseName(f.name)] = f.data.toString('base64');
    return Object.keys(out).length ? toYamlString(out) : '';
  };
  return { get, Get: get, getBytes, GetBytes: getBytes, glob, Glob: glob, lines, Lines: lines, asConfig, AsConfig: asConfig, asSecrets, AsSecrets: asSecrets };
}

export type TemplateRoot = {
  Values: Values;
  Release: ReturnType<typeof releaseObject>;
  Chart: ReturnType<typeof chartObject>;
  Capabilities: ReturnType<typeof capabilitiesObject>;
  Files: ReturnType<typeof filesObject>;
  Template: { Name: string; BasePath: string };
  Subcharts: Record<string, unknown>;
};
