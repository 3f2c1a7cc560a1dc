import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { formatManifests } from '../../core/kube/manifests.js';
import { renderChart } from '../../core/render/pipeline.js';
import { goEngine } from '../../template-engine/go/index.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
beforeAll(async () => {
  await helm(['create', 'gochart'], { cwd: tmp.dir });
  writeFileSync(
    join(tmp.dir, 'all-on.yaml'),
    'ingress:\n  enabled: true\n  className: nginx\n  hosts:\n    - host: app.example.com\n      paths:\n        - {path: /, pathType: Prefix}\n  tls:\n    - secretName: app-tls\n      hosts: [app.example.com]\nautoscaling: {enabled: true, targetMemoryUtilizationPercentage: 70}\nserviceAccount: {create: true, annotations: {x: y}}\npodAnnotations: {prometheus.io/scrape: "true"}\nresources: {limits: {cpu: 100m}}\nnodeSelector: {disk: ssd}\ntolerations: [{key: k, operator: Exists}]\nservice: {type: NodePort, port: 8080}\n',
  );
});
afterAll(() => tmp.cleanup());

/** Documents as helm prints them, without the lines that name the tool (managed-by). */
const normalise = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/app.kubernetes.io\/managed-by:/.test(l))
    .join('\n')
    .trim();

describe('the Go-template engine renders helm create’s scaffold as helm template does (byte for byte)', () => {
  it.each([[[] as string[]], [['-f', 'all-on.yaml']], [['--set', 'replicaCount=3,image.tag=1.2.3,fullnameOverride=custom']]])('with %j', async (flags) => {
    const { stdout } = await helm(['template', 'rel', 'gochart', ...flags], { cwd: tmp.dir });
    const valueFiles = flags[0] === '-f' ? [join(tmp.dir, flags[1])] : [];
    const set = flags[0] === '--set' ? [flags[1]] : [];
    const r = await renderChart(loadChartDir(join(tmp.dir, 'gochart')), { releaseName: 'rel', valueFiles, set, engines: () => goEngine });
    const ours = formatManifests([...r.manifests, ...r.hooks]);
    expect(ours).toContain('kind: Deployment');
    expect(normalise(ours)).toBe(normalise(stdout));
  });
});
