import type { Command } from 'commander';
import { context } from '../context.js';
import { runCommand, writeOut, type OutputFormat } from '../output.js';
import { addValuesFlags, valuesOptions, type ValuesFlags } from '../values-flags.js';

interface Flags extends ValuesFlags {
  strict?: boolean;
  output: OutputFormat;
  kubeVersion?: string;
  namespace: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('lint')
    .description('check charts: Chart.yaml, values and schema, rendering, YAML and Kubernetes basics')
    .argument('[charts...]', 'chart folders or .tgz archives', ['.'])
    .option('--strict', 'treat warnings as errors')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--kube-version <version>', 'Kubernetes version to check kubeVersion and render against')
    .option('-n, --namespace <ns>', 'namespace to render with', 'default');
  addValuesFlags(cmd).action((charts: string[], flags: Flags) =>
    runCommand(
      async () => {
        const { lintCharts, formatLint } = await import('../../core/actions/lint.js');
        const result = await lintCharts(context(), { paths: charts, strict: flags.strict, kubeVersion: flags.kubeVersion, namespace: flags.namespace, ...valuesOptions(flags) });
        writeOut(flags.output === 'json' ? JSON.stringify(result, null, 2) + '\n' : formatLint(result));
        if (result.failed > 0) process.exitCode = 1;
      },
      () => flags.output,
    ),
  );
}
