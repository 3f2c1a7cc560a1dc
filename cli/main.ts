import { Command } from 'commander';
import { register as registerTemplate } from './commands/template.js';
import { register as registerLint } from './commands/lint.js';
import { register as registerPackage } from './commands/package.js';
import { register as registerShow } from './commands/show.js';
import { register as registerCreate } from './commands/create.js';
import { register as registerVersion } from './commands/version.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerRepo } from './commands/repo.js';
import { register as registerSearch } from './commands/search.js';
import { register as registerPull } from './commands/pull.js';
import { register as registerPublish } from './commands/publish.js';
import { register as registerDependency } from './commands/dependency.js';
import { register as registerInstall } from './commands/install.js';
import { register as registerReleases } from './commands/releases.js';
import { register as registerPush } from './commands/push.js';
import { register as registerRegistry } from './commands/registry.js';
import { register as registerVerify } from './commands/verify.js';
import { buildContext } from './context.js';
import { registryTransport } from './registry-flags.js';
import { exitWhenWritten, writeErr, writeOut } from './output.js';

declare const CHARTROOM_VERSION: string;

const program = new Command('chart')
  .description('Chartroom: build, check, render and package Kubernetes charts')
  .version(CHARTROOM_VERSION, '--version', 'print the version')
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ writeOut: (str) => writeOut(str), outputError: (str, write) => write(str) })
  .option('--config-dir <dir>', 'configuration folder (CHARTROOM_CONFIG_DIR; default $XDG_CONFIG_HOME/chartroom)')
  .option('--cache-dir <dir>', 'cache folder (CHARTROOM_CACHE_DIR; default $XDG_CACHE_HOME/chartroom)')
  .option('--kubeconfig <file>', 'kubeconfig for release commands (default: KUBECONFIG, several files merged, else ~/.kube/config)')
  .option('--kube-context <name>', 'kubeconfig context (default: its current context)')
  .hook('preAction', (_program, actionCommand) => {
    // One action context for the run, from the global flags, the running command's registry flags, and the environment.
    buildContext({ ...program.opts<{ configDir?: string; cacheDir?: string; kubeconfig?: string; kubeContext?: string }>(), transport: registryTransport(actionCommand.opts()) });
  });

/** Every command, in help order, with the names (and aliases) that select it. */
const COMMANDS: [(p: Command) => void, string[]][] = [
  [registerCreate, ['create']],
  [registerLint, ['lint']],
  [registerTemplate, ['template']],
  [registerPackage, ['package']],
  [registerVerify, ['verify']],
  [registerShow, ['show', 'inspect']],
  [registerVersion, ['version']],
  [registerRepo, ['repo']],
  [registerSearch, ['search']],
  [registerPull, ['pull', 'fetch']],
  [registerPublish, ['publish']],
  [registerPush, ['push']],
  [registerRegistry, ['registry']],
  [registerDependency, ['dependency', 'dep']],
  [registerInstall, ['install', 'upgrade']],
  [registerReleases, ['list', 'ls', 'history', 'hist', 'status', 'get', 'rollback', 'uninstall', 'diff', 'test']],
  [registerServe, ['serve']],
];
/** Global options that take a value as the next argument. */
const GLOBAL_WITH_VALUE = new Set(['--config-dir', '--cache-dir', '--kubeconfig', '--kube-context']);

/**
 * The command a run names, 'version-flag' for `chart --version`, or undefined (help, a mistyped command):
 * only that command's flags are declared, which saves every run the few milliseconds of declaring them all.
 */
function invoked(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version') return 'version-flag';
    if (a === '--help' || a === '-h' || a === '--') return undefined;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

const named = invoked(process.argv);
const chosen = named === 'version-flag' ? [] : COMMANDS.filter(([, names]) => named !== undefined && names.includes(named));
for (const [register] of chosen.length || named === 'version-flag' ? chosen : COMMANDS) register(program);

/**
 * Commands whose action has done all their work when it resolves (nothing runs on after it, as `serve`
 * does): the run ends there, without waiting for V8's background work (see exitWhenWritten).
 */
const DONE_WHEN_RESOLVED = new Set(['version-flag', 'version', 'create', 'lint', 'template', 'package', 'verify', 'show', 'inspect', 'search', 'repo']);
const done = () => {
  if (named !== undefined && DONE_WHEN_RESOLVED.has(named)) exitWhenWritten(Number(process.exitCode ?? 0));
};

program.parseAsync(process.argv).then(done, (e: unknown) => {
  writeErr(`Error: ${(e as Error).message}\n`);
  process.exitCode = 1;
  done();
});
