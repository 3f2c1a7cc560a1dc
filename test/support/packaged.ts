import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageChart } from '../../core/actions/package.js';
import { contextIn } from './context.js';
import { writeChart } from './charts.js';

/** Writes and packages a small chart; returns the archive bytes and file name. */
export function packagedChart(root: string, name: string, version: string, extra: Record<string, string> = {}): { data: Buffer; file: string } {
  const dir = writeChart(join(root, `${name}-${version}-src`), name, {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\nengine: handlebars\ndescription: test chart ${name}\nappVersion: "1.0"\n`,
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{Release.Name}}\n',
    ...extra,
  });
  const out = packageChart(contextIn(root), { path: dir, destination: join(root, 'packages') });
  return { data: readFileSync(out.file), file: `${name}-${version}.tgz` };
}
