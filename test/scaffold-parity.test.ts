import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartCli } from './support/cli.js';
import { helm } from './support/helm.js';
import { tempDir } from './support/tmp.js';

const ALL_ON = `
ingress:
  enabled: true
  className: nginx
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
  hosts:
    - host: app.example.com
      paths:
        - {path: /, pathType: Prefix}
        - {path: /api, pathType: ImplementationSpecific}
  tls:
    - secretName: app-tls
      hosts: [app.example.com, www.example.com]
httpRoute:
  enabled: true
  annotations: {team: web}
  rules:
    - matches: [{path: {type: PathPrefix, value: /x}}]
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X, value: y}]}}]
autoscaling: {enabled: true, targetMemoryUtilizationPercentage: 70}
serviceAccount: {create: false, annotations: {x: y}}
podAnnotations: {prometheus.io/scrape: "true"}
podLabels: {team: platform, tier: web}
imagePullSecrets: [{name: regcred}]
podSecurityContext: {fsGroup: 2000}
securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL]}}
resources: {limits: {cpu: 100m, memory: 128Mi}, requests: {cpu: 50m}}
volumes: [{name: foo, secret: {secretName: s}}]
volumeMounts: [{name: foo, mountPath: /etc/foo}]
nodeSelector: {disk: ssd}
tolerations: [{key: k, operator: Exists}]
affinity: {nodeAffinity: {}}
service: {type: NodePort, port: 8080}
`;

/** Parses `helm template` style output into documents keyed by source and position, managed-by removed. */
function documents(text: string): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'app.kubernetes.io/managed-by') out[k] = strip(x);
      return out;
    }
    return v;
  };
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null)
    .map(strip);
}

describe('chart create matches helm create', () => {
  const tmp = tempDir();
  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'helm'));
    await helm(['create', 'webapp'], { cwd: join(tmp.dir, 'helm') });
    const ours = await chartCli(['create', join(tmp.dir, 'ours', 'webapp')]);
    expect(ours.code).toBe(0);
    writeFileSync(join(tmp.dir, 'all-on.yaml'), ALL_ON);
  });
  afterAll(() => tmp.cleanup());

  const cases: [string, string[]][] = [
    ['default values', []],
    ['every optional part switched on', ['-f', 'ALL_ON']],
    ['a release name that holds the chart name, and overrides by --set', ['--set', 'fullnameOverride=,nameOverride=web,replicaCount=3,image.tag=2.1,service.type=LoadBalancer']],
  ];

  it.each(cases)('renders the same documents with %s', async (_label, extra) => {
    const args = extra.map((a) => (a === 'ALL_ON' ? join(tmp.dir, 'all-on.yaml') : a));
    const release = _label.startsWith('a release') ? 'my-webapp-prod' : 'rel';
    const theirs = await helm(['template', release, join(tmp.dir, 'helm', 'webapp'), ...args]);
    const ours = await chartCli(['template', release, join(tmp.dir, 'ours', 'webapp'), ...args]);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    const a = documents(theirs.stdout);
    const b = documents(ours.stdout);
    expect(b.length).toBeGreaterThan(3);
    expect(b).toEqual(a);
    // The # Source lines and their order are Helm's too.
    const sources = (t: string) => t.split('\n').filter((l) => l.startsWith('# Source:'));
    expect(sources(ours.stdout)).toEqual(sources(theirs.stdout));
  });
});
