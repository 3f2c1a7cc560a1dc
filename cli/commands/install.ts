import type { Command } from 'commander';
import { context } from '../context.js';
import { jsYaml } from '../../core/yaml.js';
import { collect, runCommand, warn, writeOut, type OutputFormat } from '../output.js';
import { addValuesFlags, valuesOptions, type ValuesFlags } from '../values-flags.js';
import type { ReleaseResult } from '../../core/actions/install.js';
import { addRegistryFlags } from '../registry-flags.js';
import { addVerifyFlags, verifyKeyring, type VerifyFlags } from '../verify-flags.js';

export interface ApplyCliFlags extends ValuesFlags, VerifyFlags {
  namespace?: string;
  version?: string;
  createNamespace?: boolean;
  dryRun?: string | boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  timeout: string;
  rollbackOnFailure?: boolean;
  atomic?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  takeOwnership?: boolean;
  noHooks?: boolean;
  skipCrds?: boolean;
  description?: string;
  labels: string[];
  historyMax: string;
  waitForLock?: boolean;
  output: OutputFormat;
}

/** `5m`, `90s`, `1h`, `300` (seconds), as Helm's --timeout takes them. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text.trim());
  if (/^\d+$/.test(text.trim())) return Number(text) * 1000;
  if (!m || text.trim() === '') throw new Error(`${flag}: ${JSON.stringify(text)} is not a duration (e.g. 5m, 90s, 1h30m)`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
}

/** The flags install and upgrade share, as Helm spells them. */
export function addApplyFlags(cmd: Command): Command {
  return addVerifyFlags(addRegistryFlags(addValuesFlags(cmd)))
    .option('-n, --namespace <ns>', "namespace of the release (default: the context's)")
    .option('--version <range>', 'with CHART as REPO/NAME: the version or range')
    .option('--create-namespace', 'create the namespace if it does not exist')
    .option('--dry-run [mode]', 'client (render only) or server (the API server\'s dry run); nothing is stored')
    .option('--wait', 'wait until every object is ready (Deployments available, Jobs done with --wait-for-jobs, …)')
    .option('--wait-for-jobs', 'with --wait: wait for Jobs to complete')
    .option('--timeout <duration>', 'for --wait and each hook', '5m')
    .option('--rollback-on-failure', 'a failed install uninstalls, a failed upgrade rolls back')
    .option('--atomic', 'the same as --rollback-on-failure')
    .option('--force-conflicts', "take fields other field managers own on objects that are not yet the release's")
    .option('--field-manager <name>', 'field manager for server-side apply', 'chartroom')
    .option('--take-ownership', 'adopt existing objects that belong to no release or to another one')
    .option('--no-hooks', 'do not run hooks')
    .option('--skip-crds', 'do not install the CRDs in crds/')
    .option('--description <text>', "the revision's description")
    .option('-l, --labels <key=value>', 'labels on the release record; repeatable', collect, [])
    .option('--history-max <n>', 'revisions to keep (0: all)', '10')
    .option('--wait-for-lock', 'wait (up to --timeout) for another operation on the release to finish')
    .option('-o, --output <format>', 'table (text), json or yaml', 'table');
}

/** The action options from the shared flags. */
export function applyOptions(f: ApplyCliFlags, signal: AbortSignal) {
  const timeoutMs = parseDuration(f.timeout, '--timeout');
  const labels: Record<string, string> = {};
  for (const l of f.labels) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new Error(`--labels: ${JSON.stringify(l)} is not key=value`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const dryRun = f.dryRun === undefined || f.dryRun === false ? undefined : f.dryRun === true || f.dryRun === 'client' ? ('client' as const) : f.dryRun === 'server' ? ('server' as const) : (() => { throw new Error(`--dry-run: ${JSON.stringify(f.dryRun)} is not client or server`); })();
  return {
    ...valuesOptions(f),
    namespace: f.namespace,
    version: f.version,
    verifyKeyring: verifyKeyring(f),
    createNamespace: f.createNamespace,
    dryRun,
    wait: f.wait,
    waitForJobs: f.waitForJobs,
    timeoutMs,
    rollbackOnFailure: f.rollbackOnFailure || f.atomic,
    forceConflicts: f.forceConflicts,
    fieldManager: f.fieldManager,
    takeOwnership: f.takeOwnership,
    noHooks: (f as { hooks?: boolean }).hooks === false,
    skipCrds: f.skipCrds,
    description: f.description,
    labels: Object.keys(labels).length ? labels : undefined,
    historyMax: Number(f.historyMax),
    waitForLockMs: f.waitForLock ? timeoutMs : 0,
    signal,
  };
}

/** Runs a release operation so that SIGINT/SIGTERM stop it cleanly: the revision is marked failed before exit. */
export async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (sig: string) => {
    process.stderr.write(`\n${sig}: stopping; the revision is marked failed\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (controller.signal.aborted) process.exitCode = 130;
  }
}

/** What install, upgrade and rollback print: Helm's summary, the changes, and NOTES. */
export async function printRelease(r: ReleaseResult, output: OutputFormat): Promise<void> {
  for (const w of r.warnings) warn(w);
  const rel = r.release;
  const summary = {
    name: rel.name,
    namespace: rel.namespace,
    revision: rel.version,
    status: r.dryRun ? `${rel.info.status} (dry run: ${r.dryRun})` : 'deployed',
    chart: `${String(rel.chart.metadata.name)}-${String(rel.chart.metadata.version)}`,
    app_version: String(rel.chart.metadata.appVersion ?? ''),
    last_deployed: rel.info.last_deployed,
    changes: r.changes.map((c) => ({ action: c.action, kind: c.ref.kind, name: c.ref.name, namespace: c.ref.namespace })),
    notes: rel.info.notes ?? '',
  };
  if (output === 'json') return writeOut(JSON.stringify(summary, null, 2) + '\n');
  if (output === 'yaml') {
    const jsyaml = jsYaml();
    return writeOut(jsyaml.dump(summary));
  }
  const { ansicTime } = await import('../../core/actions/list.js');
  const lines = [`NAME: ${summary.name}`, `LAST DEPLOYED: ${ansicTime(summary.last_deployed)}`, `NAMESPACE: ${summary.namespace}`, `STATUS: ${summary.status}`, `REVISION: ${summary.revision}`];
  if (r.dryRun === 'client') lines.push('MANIFEST:', rel.manifest ?? '');
  else if (r.changes.length) lines.push('CHANGES:', ...r.changes.map((c) => `  ${c.action.padEnd(10)} ${c.ref.kind}/${c.ref.name}${c.ref.namespace ? ` (${c.ref.namespace})` : ''}`));
  if (summary.notes) lines.push('NOTES:', summary.notes.trimEnd());
  writeOut(lines.join('\n') + '\n');
}

export function register(program: Command): void {
  const install = program.command('install').description('install a chart as a release in a cluster (server-side apply, Helm release records)').argument('[name]', 'release name').argument('[chart]', 'folder, .tgz, URL, or REPO/NAME').option('--generate-name', 'make up a name from the chart');
  addApplyFlags(install).action((name: string | undefined, chart: string | undefined, flags: ApplyCliFlags & { generateName?: boolean }) =>
    runCommand(async () => {
      if (chart === undefined) [chart, name] = [name, undefined];
      if (!chart) throw new Error('chart install needs a chart: chart install NAME CHART (or --generate-name CHART)');
      const { installRelease } = await import('../../core/actions/install.js');
      const r = await withSignals((signal) => installRelease(context(), { ...applyOptions(flags, signal), name, generateName: flags.generateName, chart: chart! }));
      await printRelease(r, flags.output);
    }, () => flags.output),
  );

  const upgrade = program.command('upgrade').description('upgrade a release to a chart and values (a new revision)').argument('<name>', 'release name').argument('<chart>', 'folder, .tgz, URL, or REPO/NAME').option('-i, --install', 'install when the release does not exist').option('--reuse-values', "start from the release's previous values").option('--reset-values', "drop the release's previous values").option('--reset-then-reuse-values', "the new chart's defaults, then the previous values, then the new ones");
  addApplyFlags(upgrade).action((name: string, chart: string, flags: ApplyCliFlags & { install?: boolean; reuseValues?: boolean; resetValues?: boolean; resetThenReuseValues?: boolean }) =>
    runCommand(async () => {
      const { upgradeRelease } = await import('../../core/actions/upgrade.js');
      const r = await withSignals((signal) => upgradeRelease(context(), { ...applyOptions(flags, signal), name, chart, install: flags.install, reuseValues: flags.reuseValues, resetValues: flags.resetValues, resetThenReuseValues: flags.resetThenReuseValues }));
      await printRelease(r, flags.output);
    }, () => flags.output),
  );
}
