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

declare const CHARTROOM_VERSION: string;

const program = new Command('chart')
  .description('Chartroom: build, check, render and package Kubernetes charts')
  .version(CHARTROOM_VERSION, '--version', 'print the version')
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) })
  .option('--config-dir <dir>', 'configuration folder (CHARTROOM_CONFIG_DIR; default $XDG_CONFIG_HOME/chartroom)')
  .option('--cache-dir <dir>', 'cache folder (CHARTROOM_CACHE_DIR; default $XDG_CACHE_HOME/chartroom)')
  .option('--kubeconfig <file>', 'kubeconfig for release commands (default: KUBECONFIG, several files merged, else ~/.kube/config)')
  .option('--kube-context <name>', 'kubeconfig context (default: its current context)')
  .hook('preAction', (_program, actionCommand) => {
    // One action context for the run, from the global flags, the running command's registry flags, and the environment.
    buildContext({ ...program.opts<{ configDir?: string; cacheDir?: string; kubeconfig?: string; kubeContext?: string }>(), transport: registryTransport(actionCommand.opts()) });
  });

registerCreate(program);
registerLint(program);
registerTemplate(program);
registerPackage(program);
registerVerify(program);
registerShow(program);
registerVersion(program);
registerRepo(program);
registerSearch(program);
registerPull(program);
registerPublish(program);
registerPush(program);
registerRegistry(program);
registerDependency(program);
registerInstall(program);
registerReleases(program);
registerServe(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`Error: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
