import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ChartroomError, describeSystemError, lineOf } from '../errors.js';
import { loadYaml } from '../yaml.js';
import { scanManifest } from '../kube/manifest-scan.js';
import { DEFAULT_LIMITS, readChartArchive, readChartArchiveAsync, type ArchiveLimits, type ChartFile, type ReadArchive } from './archive.js';
import { IgnoreRules } from './helmignore.js';
import { parseChartMetadata } from './metadata.js';
import { parseLock } from '../lockfile.js';
import type { Chart, ChartLock, Values } from './model.js';

/** Budget shared by an archive and every archive nested in it, so nesting cannot multiply the limits. */
interface Budget {
  limits: ArchiveLimits;
  remaining: number;
  depth: number;
}

const MAX_NESTING = 10;

/** An archive the chart builder needs read: the builders yield one and are resumed with what it holds. */
interface ArchiveRead {
  data: Buffer;
  source: string;
  limits: ArchiveLimits;
}

/** A chart builder: a generator that yields each archive it needs read (nested subcharts), so one builder serves the sync and the async loaders. */
type Building = Generator<ArchiveRead, Chart, ReadArchive>;

/** Runs a builder, reading archives with readChartArchive. */
function buildSync(building: Building): Chart {
  let step = building.next();
  while (!step.done) {
    let read: ReadArchive;
    try {
      read = readChartArchive(step.value.data, step.value.source, step.value.limits);
    } catch (e) {
      step = building.throw(e);
      continue;
    }
    step = building.next(read);
  }
  return step.value;
}

/** Runs a builder, reading archives with readChartArchiveAsync (inflating on the thread pool). */
async function buildAsync(building: Building): Promise<Chart> {
  let step = building.next();
  while (!step.done) {
    let read: ReadArchive;
    try {
      read = await readChartArchiveAsync(step.value.data, step.value.source, step.value.limits);
    } catch (e) {
      step = building.throw(e);
      continue;
    }
    step = building.next(read);
  }
  return step.value;
}

/** Loads a chart from a folder or a `.tgz` archive. */
export function loadChart(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Chart {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${path}`, { file: path, hint: 'give a chart folder or a .tgz archive' });
    throw describeSystemError(e, path, 'chart');
  }
  if (st.isDirectory()) return loadChartDir(path, limits);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw describeSystemError(e, path, 'chart archive');
  }
  return loadChartArchive(data, path, limits);
}

/** Loads a chart from archive bytes; `source` names it in messages. */
export function loadChartArchive(data: Buffer, source: string, limits: ArchiveLimits = DEFAULT_LIMITS): Chart {
  const budget: Budget = { limits, remaining: limits.maxTotalBytes, depth: 0 };
  return buildSync(fromArchive(data, source, budget));
}

/**
 * loadChartArchive without blocking the event loop for long: the archive and every nested subchart archive
 * inflate on the thread pool (readChartArchiveAsync); the same rules, limits and errors as loadChartArchive.
 */
export function loadChartArchiveAsync(data: Buffer, source: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<Chart> {
  const budget: Budget = { limits, remaining: limits.maxTotalBytes, depth: 0 };
  return buildAsync(fromArchive(data, source, budget));
}

function* fromArchive(data: Buffer, source: string, budget: Budget): Building {
  const limits = { ...budget.limits, maxTotalBytes: budget.remaining };
  const { topDir, files } = yield { data, source, limits };
  for (const f of files) budget.remaining -= f.data.length;
  return yield* buildChart(files, `${source}#${topDir}`, budget);
}

/** Reads a chart folder, applying `.helmignore`; links that leave the chart are refused. */
export function loadChartDir(dir: string, limits: ArchiveLimits = DEFAULT_LIMITS): Chart {
  const root = chartRoot(dir);
  let ignoreText: string | undefined;
  try {
    ignoreText = readFileSync(join(root, '.helmignore'), 'utf8');
  } catch {
    ignoreText = undefined;
  }
  const rules = new IgnoreRules(ignoreText, join(root, '.helmignore'));
  const files: ChartFile[] = [];
  let total = 0;
  /** A regular file's bytes, its size checked against the limits before it is read; undefined for anything else. */
  const readFile = (abs: string, rel: string): Buffer | undefined => {
    const fd = openSync(abs, 'r');
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return undefined;
      if (st.size > limits.maxFileBytes) throw new ChartroomError('CHART_FILE_TOO_LARGE', `${rel} is larger than ${limits.maxFileBytes} bytes`, { file: abs });
      total += st.size;
      if (total > limits.maxTotalBytes) throw new ChartroomError('CHART_TOO_LARGE', `chart is larger than ${limits.maxTotalBytes} bytes`, { file: dir });
      const data = Buffer.allocUnsafe(st.size);
      let got = 0;
      while (got < data.length) {
        const n = readSync(fd, data, got, data.length - got, got);
        if (n === 0) break;
        got += n;
      }
      return got === data.length ? data : data.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  };
  // Entry types come with the folder listing (no lstat of every file); sizes from the open file.
  const walk = (abs: string, rel: string) => {
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      // `abs` is a real (normalised) path and `name` one entry of it: the same as join(), without the 5 µs
      // it spends normalising (1 ms over a 200-file chart).
      const childAbs = abs.endsWith(sep) ? abs + name : abs + sep + name;
      const childRel = rel ? `${rel}/${name}` : name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = realpathSync(childAbs);
        if (target !== root && !target.startsWith(root + sep)) {
          throw new ChartroomError('CHART_LINK', `${childRel} is a link to ${target}, outside the chart`, { file: childAbs, hint: 'copy the file into the chart instead' });
        }
        const st = statSync(childAbs);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (rules.ignores(childRel, true)) continue;
        walk(childAbs, childRel);
      } else if (isFile) {
        if (rules.ignores(childRel)) continue;
        const data = readFile(childAbs, childRel);
        if (data) files.push({ name: childRel, data });
      }
    }
  };
  try {
    walk(root, '');
  } catch (e) {
    if (e instanceof ChartroomError) throw e;
    const path = (e as NodeJS.ErrnoException).path;
    throw describeSystemError(e, path ?? dir, 'chart file');
  }
  if (!files.some((f) => f.name === 'Chart.yaml')) throw notAChart(dir);
  const display = relative(process.cwd(), root) || '.';
  return buildSync(buildChart(files, display.startsWith('..') ? root : display, { limits, remaining: limits.maxTotalBytes, depth: 0 }));
}

function notAChart(dir: string): ChartroomError {
  return new ChartroomError('CHART_NOT_FOUND', 'no Chart.yaml (not a chart folder)', { file: dir, hint: 'give the folder that holds Chart.yaml; `chart create NAME` makes a new chart' });
}

/**
 * The real path of a chart folder, once it is known to hold a Chart.yaml: a folder that is not a chart is
 * refused before any of it is read (`chart package /etc` must not walk /etc).
 */
export function chartRoot(dir: string): string {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch (e) {
    throw describeSystemError(e, dir, 'chart folder');
  }
  let st;
  try {
    st = statSync(join(root, 'Chart.yaml'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw notAChart(dir);
    throw describeSystemError(e, join(dir, 'Chart.yaml'), 'Chart.yaml');
  }
  if (!st.isFile()) throw new ChartroomError('CHART_YAML', 'Chart.yaml is not a file', { file: join(dir, 'Chart.yaml') });
  return root;
}

/**
 * values.yaml's reader for a chart: the text is checked now (valid YAML, a mapping or nothing) unless the
 * one-pass scanner vouches for it (plain block style), which cannot fail to load; then it is parsed only when
 * first read, so commands that never read values (package, show chart) never parse it.
 */
export function valuesReader(text: string | undefined, file: string): () => Values {
  const parse = (): Values => {
    if (text === undefined) return {};
    const v = loadYaml(text, file);
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new ChartroomError('VALUES_NOT_MAP', 'values.yaml must be a mapping of keys to values', { file, line: 1 });
    return v as Values;
  };
  if (text === undefined || scanManifest(text) === undefined) {
    const values = parse();
    return () => values;
  }
  let values: Values | undefined;
  return () => (values ??= parse());
}

function* buildChart(files: ChartFile[], source: string, budget: Budget): Building {
  const byName = new Map(files.map((f) => [f.name, f]));
  const text = (name: string) => {
    const f = byName.get(name);
    return f ? f.data.toString('utf8') : undefined;
  };
  const at = (name: string) => `${source}/${name}`;

  const { metadata, parsed, warnings } = parseChartMetadata(text('Chart.yaml')!, at('Chart.yaml'));
  const chartYamlFile = at('Chart.yaml');

  const valuesText = text('values.yaml');
  const readValues = valuesReader(valuesText, at('values.yaml'));

  let schema: unknown;
  const schemaText = text('values.schema.json');
  if (schemaText !== undefined) {
    try {
      schema = JSON.parse(schemaText.replace(/^\uFEFF/, ''));
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const pos = m ? Number(m[1]) : undefined;
      const line = pos !== undefined ? schemaText.slice(0, pos).split('\n').length : undefined;
      throw new ChartroomError('SCHEMA_PARSE', `values.schema.json is not valid JSON: ${(e as Error).message}`, { file: at('values.schema.json'), line, snippet: line ? lineOf(schemaText, line) : undefined });
    }
  }

  let lock: ChartLock | undefined;
  const lockText = text('Chart.lock') ?? (metadata.apiVersion === 'v1' ? text('requirements.lock') : undefined);
  if (lockText !== undefined) lock = parseLock(lockText, at('Chart.lock'));

  const templates: ChartFile[] = [];
  const other: ChartFile[] = [];
  const sub = new Map<string, ChartFile[]>();
  const subArchives: ChartFile[] = [];
  for (const f of files) {
    if (f.name.startsWith('templates/')) templates.push(f);
    else if (f.name.startsWith('charts/')) {
      const rest = f.name.slice('charts/'.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        if (rest.endsWith('.tgz')) subArchives.push(f);
        else other.push(f);
      } else {
        const dir = rest.slice(0, slash);
        if (!sub.has(dir)) sub.set(dir, []);
        sub.get(dir)!.push({ name: rest.slice(slash + 1), data: f.data });
      }
    } else if (!['Chart.yaml', 'values.yaml', 'values.schema.json', 'Chart.lock', 'requirements.yaml', 'requirements.lock'].includes(f.name)) {
      other.push(f);
    }
  }

  const dependencies: Chart[] = [];
  if (sub.size > 0 || subArchives.length > 0) {
    if (budget.depth >= MAX_NESTING) throw new ChartroomError('CHART_NESTING', `subcharts nested more than ${MAX_NESTING} deep`, { file: source });
    const inner: Budget = { ...budget, depth: budget.depth + 1 };
    for (const [dir, subFiles] of sub) {
      if (!subFiles.some((f) => f.name === 'Chart.yaml')) {
        throw new ChartroomError('SUBCHART_INVALID', `charts/${dir} has no Chart.yaml`, { file: at(`charts/${dir}`), hint: 'a folder in charts/ must be a chart' });
      }
      dependencies.push(yield* buildChart(subFiles, at(`charts/${dir}`), inner));
    }
    for (const f of subArchives) dependencies.push(yield* fromArchive(f.data, at(f.name), inner));
    budget.remaining = inner.remaining;
  }
  dependencies.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

  const chart: Omit<Chart, 'metadataYaml'> = {
    metadata,
    metadataFile: chartYamlFile,
    metadataWarnings: warnings,
    values: {},
    hasValuesFile: valuesText !== undefined,
    schema,
    lock,
    templates,
    files: other,
    raw: files,
    dependencies,
    source,
  };
  Object.defineProperty(chart, 'metadataYaml', { get: parsed, enumerable: false });
  let replaced: Values | undefined;
  Object.defineProperty(chart, 'values', { get: () => replaced ?? readValues(), set: (v: Values) => (replaced = v), enumerable: true, configurable: true });
  return chart as Chart;
}
