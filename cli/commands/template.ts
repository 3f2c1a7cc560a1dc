import type { Command } from 'commander';
import { context } from '../context.js';
import { collect, runCommand, warn, writeOut } from '../output.js';
import { addValuesFlags, valuesOptions, type ValuesFlags } from '../values-flags.js';
import { addRegistryFlags } from '../registry-flags.js';
import { addVerifyFlags, verifyKeyring, type VerifyFlags } from '../verify-flags.js';

interface Flags extends ValuesFlags, VerifyFlags {
  version?: string;
  namespace: string;
  showOnly: string[];
  outputDir?: string;
  kubeVersion?: string;
  apiVersions: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  strict?: boolean;
  isUpgrade?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('template')
    .description('render a chart into Kubernetes manifests')
    .argument('[name]', 'release name (default: release-name)')
    .argument('[chart]', 'chart folder or .tgz')
    .option('-n, --namespace <ns>', 'release namespace', 'default')
    .option('-s, --show-only <template>', 'only show this template (templates/x.yaml); repeatable', collect, [])
    .option('--output-dir <dir>', 'write each template to a file under this folder')
    .option('--kube-version <version>', 'Kubernetes version for Capabilities.KubeVersion')
    .option('-a, --api-versions <version>', 'extra API version for Capabilities.APIVersions; repeatable', collect, [])
    .option('--include-crds', 'include CRDs from crds/ in the output')
    .option('--skip-tests', 'leave out test hooks')
    .option('--is-upgrade', 'set Release.IsUpgrade instead of Release.IsInstall')
    .option('--strict', 'fail on references to values that do not exist')
    .option('--version <range>', 'with CHART as REPO/NAME: the version or range to fetch');
  addVerifyFlags(addRegistryFlags(addValuesFlags(cmd))).action((name: string | undefined, chart: string | undefined, flags: Flags) =>
    runCommand(async () => {
      if (chart === undefined) {
        chart = name;
        name = undefined;
      }
      if (!chart) throw new Error('chart template needs a chart: chart template [NAME] CHART');
      const { templateChart } = await import('../../core/actions/template.js');
      const result = await templateChart(context(), {
        chart,
        version: flags.version,
        verifyKeyring: verifyKeyring(flags),
        releaseName: name,
        namespace: flags.namespace,
        showOnly: flags.showOnly,
        outputDir: flags.outputDir,
        kubeVersion: flags.kubeVersion,
        apiVersions: flags.apiVersions.flatMap((a) => a.split(',')),
        includeCrds: flags.includeCrds,
        skipTests: flags.skipTests,
        strict: flags.strict,
        isUpgrade: flags.isUpgrade,
        ...valuesOptions(flags),
      });
      for (const w of result.warnings) warn(w);
      if (flags.outputDir) for (const f of result.written) writeOut(`wrote ${f}\n`);
      else writeOut(result.text);
    }),
  );
}
