import type { Command } from 'commander';
import { context } from '../context.js';
import { jsYaml } from '../../core/yaml.js';
import { formatTable, runCommand, writeOut, type OutputFormat } from '../output.js';
import { addValuesFlags, valuesOptions, type ValuesFlags } from '../values-flags.js';
import { parseDuration, printRelease, withSignals } from './install.js';
import { addRegistryFlags } from '../registry-flags.js';
import { addVerifyFlags, verifyKeyring, type VerifyFlags } from '../verify-flags.js';

const ns = '-n, --namespace <ns>';
const nsHelp = "namespace of the release (default: the context's)";

async function structured(data: unknown, output: OutputFormat): Promise<boolean> {
  if (output === 'json') return (writeOut(JSON.stringify(data, null, 2) + '\n'), true);
  if (output === 'yaml') {
    const jsyaml = jsYaml();
    return (writeOut(jsyaml.dump(data, { lineWidth: -1 })), true);
  }
  return false;
}

/** ANSI colour for a unified diff line on a terminal. */
function colour(line: string): string {
  if (!process.stdout.isTTY) return line;
  if (line.startsWith('+') && !line.startsWith('+++')) return `\x1b[32m${line}\x1b[0m`;
  if (line.startsWith('-') && !line.startsWith('---')) return `\x1b[31m${line}\x1b[0m`;
  if (line.startsWith('@@')) return `\x1b[36m${line}\x1b[0m`;
  return line;
}

export function register(program: Command): void {
  program
    .command('rollback')
    .description('roll a release back to an earlier revision (a new revision "Rollback to N")')
    .argument('<name>')
    .argument('[revision]', 'the revision (default: the previous one)')
    .option(ns, nsHelp)
    .option('--wait', 'wait until every object is ready')
    .option('--wait-for-jobs', 'with --wait: wait for Jobs to complete')
    .option('--timeout <duration>', 'for --wait and each hook', '5m')
    .option('--force-conflicts', 'take fields other field managers own')
    .option('--no-hooks', 'do not run hooks')
    .option('--history-max <n>', 'revisions to keep (0: all)', '10')
    .option('--wait-for-lock', 'wait (up to --timeout) for another operation on the release to finish')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((name: string, revision: string | undefined, f: { namespace?: string; wait?: boolean; waitForJobs?: boolean; timeout: string; forceConflicts?: boolean; hooks?: boolean; historyMax: string; waitForLock?: boolean; output: OutputFormat }) =>
      runCommand(async () => {
        const { rollbackRelease } = await import('../../core/actions/rollback.js');
        const timeoutMs = parseDuration(f.timeout, '--timeout');
        const r = await withSignals((signal) => rollbackRelease(context(), { name, namespace: f.namespace, revision: revision ? Number(revision) : undefined, wait: f.wait, waitForJobs: f.waitForJobs, timeoutMs, forceConflicts: f.forceConflicts, noHooks: f.hooks === false, historyMax: Number(f.historyMax), waitForLockMs: f.waitForLock ? timeoutMs : 0, signal }));
        await printRelease(r, f.output);
      }, () => f.output),
    );

  program
    .command('uninstall')
    .aliases(['delete', 'del', 'un'])
    .description("delete a release's objects (keeping helm.sh/resource-policy: keep) and its records")
    .argument('<names...>')
    .option(ns, nsHelp)
    .option('--keep-history', 'keep the records, marked uninstalled')
    .option('--no-hooks', 'do not run hooks')
    .option('--timeout <duration>', 'for each hook', '5m')
    .option('--description <text>', 'description of the uninstalled revision')
    .action((names: string[], f: { namespace?: string; keepHistory?: boolean; hooks?: boolean; timeout: string; description?: string }) =>
      runCommand(async () => {
        const { uninstallRelease } = await import('../../core/actions/uninstall.js');
        for (const name of names) {
          const r = await uninstallRelease(context(), { name, namespace: f.namespace, keepHistory: f.keepHistory, noHooks: f.hooks === false, timeoutMs: parseDuration(f.timeout, '--timeout'), description: f.description });
          const kept = r.changes.filter((c) => c.action === 'kept');
          for (const k of kept) writeOut(`kept ${k.ref.kind}/${k.ref.name} (helm.sh/resource-policy: keep)\n`);
          writeOut(`release "${name}" uninstalled\n`);
        }
      }),
    );

  program
    .command('list')
    .alias('ls')
    .description('list releases (every status but uninstalled; --all for those too)')
    .option(ns, nsHelp)
    .option('-A, --all-namespaces', 'every namespace')
    .option('-a, --all', 'uninstalled releases too (kept with --keep-history)')
    .option('-f, --filter <regex>', 'only names that match')
    .option('--deployed', 'only deployed')
    .option('--failed', 'only failed')
    .option('--pending', 'only pending')
    .option('--superseded', 'only superseded')
    .option('--uninstalled', 'only uninstalled (kept with --keep-history)')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((f: { namespace?: string; allNamespaces?: boolean; all?: boolean; filter?: string; deployed?: boolean; failed?: boolean; pending?: boolean; superseded?: boolean; uninstalled?: boolean; output: OutputFormat }) =>
      runCommand(async () => {
        const { listReleases } = await import('../../core/actions/list.js');
        const statuses = [...(f.deployed ? ['deployed'] : []), ...(f.failed ? ['failed'] : []), ...(f.pending ? ['pending-install', 'pending-upgrade', 'pending-rollback'] : []), ...(f.superseded ? ['superseded'] : []), ...(f.uninstalled ? ['uninstalled'] : [])] as never[];
        const rows = await listReleases(context(), { namespace: f.namespace, allNamespaces: f.allNamespaces, all: f.all, filter: f.filter, statuses });
        if (await structured(rows, f.output)) return;
        writeOut(formatTable([['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'], ...rows.map((r) => [r.name, r.namespace, r.revision, r.updated, r.status, r.chart, r.app_version])]));
      }, () => f.output),
    );

  program
    .command('history')
    .alias('hist')
    .description("a release's revisions")
    .argument('<name>')
    .option(ns, nsHelp)
    .option('--max <n>', 'at most this many, the newest', '256')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((name: string, f: { namespace?: string; max: string; output: OutputFormat }) =>
      runCommand(async () => {
        const { releaseHistory } = await import('../../core/actions/history.js');
        const { ansicTime } = await import('../../core/actions/list.js');
        const rows = await releaseHistory(context(), { name, namespace: f.namespace, max: Number(f.max) });
        if (await structured(rows, f.output)) return;
        writeOut(formatTable([['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], ...rows.map((r) => [String(r.revision), ansicTime(r.updated), r.status, r.chart, r.app_version, r.description])]));
      }, () => f.output),
    );

  program
    .command('status')
    .description("a release's state: revision, objects with readiness, whether the cluster drifted from it, notes")
    .argument('<name>')
    .option(ns, nsHelp)
    .option('--revision <n>', 'a given revision')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action((name: string, f: { namespace?: string; revision?: string; output: OutputFormat }) =>
      runCommand(async () => {
        const { releaseStatus } = await import('../../core/actions/status.js');
        const s = await releaseStatus(context(), { name, namespace: f.namespace, revision: f.revision ? Number(f.revision) : undefined });
        const r = s.release;
        const data = { name: r.name, namespace: r.namespace, revision: r.version, status: r.info.status, chart: `${String(r.chart.metadata.name)}-${String(r.chart.metadata.version)}`, app_version: String(r.chart.metadata.appVersion ?? ''), updated: r.info.last_deployed, description: r.info.description, drifted: s.drifted, objects: s.objects, notes: r.info.notes ?? '' };
        if (await structured(data, f.output)) return;
        const { ansicTime } = await import('../../core/actions/list.js');
        const lines = [`NAME: ${data.name}`, `LAST DEPLOYED: ${ansicTime(data.updated)}`, `NAMESPACE: ${data.namespace}`, `STATUS: ${data.status}`, `REVISION: ${data.revision}`, `DESCRIPTION: ${data.description ?? ''}`];
        lines.push(`DRIFT: ${s.drifted ? 'the cluster differs from this revision (chart diff shows how; chart upgrade --force-conflicts takes the fields back)' : 'none'}`);
        if (s.objects.length) lines.push('OBJECTS:', ...s.objects.map((o) => `  ${o.ref}: ${o.ready ? 'ready' : `not ready (${o.reason})`}${o.drift !== 'unchanged' ? `, ${o.drift === 'added' ? 'missing from the cluster' : 'drifted'}` : ''}`));
        if (data.notes) lines.push('NOTES:', data.notes.trimEnd());
        writeOut(lines.join('\n') + '\n');
      }, () => f.output),
    );

  const get = program.command('get').description("a release's values, manifest, notes or hooks");
  for (const what of ['values', 'manifest', 'notes', 'hooks', 'all'] as const) {
    const cmd = get.command(what).description(`the release's ${what}`).argument('<name>').option(ns, nsHelp).option('--revision <n>', 'a given revision');
    if (what === 'values' || what === 'all') cmd.option('-a, --all', 'computed values (the chart\'s defaults under the user\'s), not only the user\'s').option('-o, --output <format>', 'yaml or json', 'yaml');
    cmd.action((name: string, f: { namespace?: string; revision?: string; all?: boolean; output?: OutputFormat }) =>
      runCommand(async () => {
        const { getRelease, hooksText } = await import('../../core/actions/get.js');
        const jsyaml = jsYaml();
        const r = await getRelease(context(), { name, namespace: f.namespace, revision: f.revision ? Number(f.revision) : undefined });
        const values = async () => {
          if (!f.all) return r.config ?? {};
          const { mergeValues, deepClone } = await import('../../core/values/tree.js');
          return mergeValues(deepClone(r.chart.values ?? {}), r.config ?? {});
        };
        const valuesText = async () => (f.output === 'json' ? JSON.stringify(await values()) + '\n' : `${f.all ? 'COMPUTED VALUES' : 'USER-SUPPLIED VALUES'}:\n${jsyaml.dump(await values())}`);
        if (what === 'values') return writeOut(f.output === 'json' ? JSON.stringify(await values()) + '\n' : jsyaml.dump(await values()));
        if (what === 'manifest') return writeOut(r.manifest ?? '');
        if (what === 'notes') return writeOut(r.info.notes ? `NOTES:\n${r.info.notes}\n` : '');
        if (what === 'hooks') return writeOut(hooksText(r));
        writeOut(`NAME: ${r.name}\nLAST DEPLOYED: ${r.info.last_deployed}\nNAMESPACE: ${r.namespace}\nSTATUS: ${r.info.status}\nREVISION: ${r.version}\n${await valuesText()}HOOKS:\n${hooksText(r)}MANIFEST:\n${r.manifest ?? ''}${r.info.notes ? `\nNOTES:\n${r.info.notes}\n` : ''}`);
      }),
    );
  }

  const diff = program
    .command('diff')
    .description('what an upgrade would change, object by object, against the live objects (drift included)')
    .argument('<name>', 'release name')
    .argument('<chart>', 'folder, .tgz, URL, or REPO/NAME')
    .option(ns, nsHelp)
    .option('--version <range>', 'with CHART as REPO/NAME: the version or range')
    .option('--reuse-values', "start from the release's previous values")
    .option('--reset-values', "drop the release's previous values")
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none, 1 on error')
    .option('-o, --output <format>', 'diff (text) or json', 'diff');
  addVerifyFlags(addRegistryFlags(addValuesFlags(diff))).action((name: string, chart: string, f: ValuesFlags & VerifyFlags & { namespace?: string; version?: string; reuseValues?: boolean; resetValues?: boolean; detailedExitcode?: boolean; output: string }) =>
    runCommand(async () => {
      const { diffRelease } = await import('../../core/actions/diff.js');
      const r = await diffRelease(context(), { ...valuesOptions(f), name, chart, version: f.version, verifyKeyring: verifyKeyring(f), namespace: f.namespace, reuseValues: f.reuseValues, resetValues: f.resetValues });
      if (f.output === 'json') writeOut(JSON.stringify({ changed: r.changed, objects: r.objects.map((o) => ({ kind: o.ref.kind, name: o.ref.name, namespace: o.ref.namespace, change: o.change, diff: o.diff })) }, null, 2) + '\n');
      else {
        for (const o of r.objects.filter((x) => x.change !== 'unchanged')) {
          writeOut(`${o.ref.kind}/${o.ref.name}${o.ref.namespace ? ` (${o.ref.namespace})` : ''}: ${o.change}\n`);
          writeOut(o.diff.split('\n').slice(1).map(colour).join('\n') + '\n');
        }
        if (!r.changed) writeOut('no changes\n');
      }
      if (f.detailedExitcode && r.changed) process.exitCode = 2;
    }, () => (f.output === 'json' ? 'json' : 'text')),
  );

  program
    .command('test')
    .description("run a release's test hooks")
    .argument('<name>')
    .option(ns, nsHelp)
    .option('--timeout <duration>', 'for each test', '5m')
    .action((name: string, f: { namespace?: string; timeout: string }) =>
      runCommand(async () => {
        const { testRelease } = await import('../../core/actions/test.js');
        const hooks = await testRelease(context(), { name, namespace: f.namespace, timeoutMs: parseDuration(f.timeout, '--timeout') });
        for (const h of hooks) writeOut(`TEST SUITE: ${h.name}\nLast Started: ${h.last_run?.started_at ?? ''}\nLast Completed: ${h.last_run?.completed_at ?? ''}\nPhase: ${h.last_run?.phase ?? ''}\n`);
        if (hooks.length === 0) writeOut(`release ${name} has no tests\n`);
      }),
    );
}
