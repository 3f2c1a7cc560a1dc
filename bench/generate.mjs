// Generates the benchmark charts: the same 200-template chart as a Handlebars chart and as a Helm chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VALUES = (n) => {
  let out = 'image:\n  repository: nginx\n  tag: "1.25"\nreplicas: 2\ncommonLabels:\n  team: platform\n  tier: web\nresources:\n  limits: {cpu: 100m, memory: 128Mi}\nservices:\n';
  for (let i = 0; i < n; i++) out += `  svc${i}:\n    enabled: true\n    port: ${8000 + i}\n    env: {MODE: prod, INDEX: "${i}"}\n`;
  return out;
};

const HB_HELPERS = `{{~#define "big.labels"~}}
app.kubernetes.io/name: {{Chart.Name}}
app.kubernetes.io/instance: {{Release.Name}}
{{~#range Values.commonLabels}}
{{@key}}: {{quote this}}
{{~/range}}
{{~/define}}
`;
const GO_HELPERS = `{{- define "big.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- range $k, $v := .Values.commonLabels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end }}
`;

const hbTemplate = (i) => `{{~#with Values.services.svc${i}}}
{{~#if enabled}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{@root.Release.Name}}-svc${i}
  labels:
    {{~nindent 4 (include "big.labels" @root)}}
spec:
  replicas: {{@root.Values.replicas}}
  selector:
    matchLabels:
      app: svc${i}
  template:
    metadata:
      labels:
        app: svc${i}
    spec:
      containers:
        - name: app
          image: "{{@root.Values.image.repository}}:{{@root.Values.image.tag}}"
          ports:
            - containerPort: {{port}}
          env:
            {{~#range env}}
            - name: {{@key}}
              value: {{quote this}}
            {{~/range}}
          resources:
            {{~nindent 12 (toYaml @root.Values.resources)}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{@root.Release.Name}}-svc${i}
  labels:
    {{~nindent 4 (include "big.labels" @root)}}
spec:
  ports:
    - port: {{port}}
{{~/if}}
{{~/with}}
`;
const goTemplate = (i) => `{{- with .Values.services.svc${i} }}
{{- if .enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $.Release.Name }}-svc${i}
  labels:
    {{- include "big.labels" $ | nindent 4 }}
spec:
  replicas: {{ $.Values.replicas }}
  selector:
    matchLabels:
      app: svc${i}
  template:
    metadata:
      labels:
        app: svc${i}
    spec:
      containers:
        - name: app
          image: "{{ $.Values.image.repository }}:{{ $.Values.image.tag }}"
          ports:
            - containerPort: {{ .port }}
          env:
            {{- range $k, $v := .env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
          resources:
            {{- toYaml $.Values.resources | nindent 12 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $.Release.Name }}-svc${i}
  labels:
    {{- include "big.labels" $ | nindent 4 }}
spec:
  ports:
    - port: {{ .port }}
{{- end }}
{{- end }}
`;

/** Writes `<dir>/ours/big` and `<dir>/helm/big`, each with n templates. */
export function generateBigCharts(dir, n = 200) {
  for (const kind of ['ours', 'helm']) {
    const root = join(dir, kind, 'big');
    mkdirSync(join(root, 'templates'), { recursive: true });
    writeFileSync(join(root, 'Chart.yaml'), `apiVersion: v2\nname: big\nversion: 1.0.0\nappVersion: "1.0"\ndescription: ${n} templates\nicon: https://example.com/icon.png\n${kind === 'ours' ? 'engine: handlebars\n' : ''}`);
    writeFileSync(join(root, 'values.yaml'), VALUES(n));
    writeFileSync(join(root, 'templates', '_helpers.tpl'), kind === 'ours' ? HB_HELPERS : GO_HELPERS);
    for (let i = 0; i < n; i++) writeFileSync(join(root, 'templates', `svc${String(i).padStart(3, '0')}.yaml`), kind === 'ours' ? hbTemplate(i) : goTemplate(i));
  }
  return { ours: join(dir, 'ours', 'big'), helm: join(dir, 'helm', 'big') };
}
