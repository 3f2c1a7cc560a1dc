/**
 * The files `chart create` writes. `<CHARTNAME>` is replaced with the chart's name.
 * Rendered with the same values, they give the same manifests as `helm create`'s Go-template scaffold.
 */
export const SCAFFOLD: Record<string, string> = {
  'Chart.yaml': String.raw`apiVersion: v2
name: <CHARTNAME>
description: A Handlebars chart for Kubernetes, made by chart create
# Templates are rendered by Chartroom's Handlebars engine.
engine: handlebars

# "application" charts can be installed; "library" charts only share named templates with other charts.
type: application

# The chart's own version (SemVer 2). Bump it with every change to the chart.
version: 0.1.0

# The version of the application the chart deploys; quote it so YAML keeps it a string.
appVersion: "1.16.0"

annotations:
  # Keeps the chart marked as Handlebars when helm package rewrites Chart.yaml without engine.
  chartroom.dev/engine: handlebars
`,
  '.helmignore': String.raw`# Files and folders left out of the packaged chart (one pattern per line, ! negates).
.DS_Store
.git/
.gitignore
.bzr/
.bzrignore
.hg/
.hgignore
.svn/
*.swp
*.bak
*.tmp
*.orig
*~
.project
.idea/
*.tmproj
.vscode/
`,
  'values.yaml': String.raw`# Default values for <CHARTNAME>: every key here can be overridden with -f or --set.

# Number of pods when autoscaling is off.
replicaCount: 1

# Container image.
image:
  repository: nginx
  pullPolicy: IfNotPresent
  # Empty means the chart's appVersion.
  tag: ""

# Secrets for pulling from a private registry.
imagePullSecrets: []
# Replace the chart name in resource names.
nameOverride: ""
# Replace the whole generated resource name.
fullnameOverride: ""

serviceAccount:
  # Create a service account for the pods.
  create: true
  # Mount the service account's API token.
  automount: true
  annotations: {}
  # Name to use; empty generates one from the full name.
  name: ""

# Extra annotations and labels for the pods.
podAnnotations: {}
podLabels: {}

podSecurityContext: {}
  # fsGroup: 2000

securityContext: {}
  # capabilities:
  #   drop:
  #   - ALL
  # readOnlyRootFilesystem: true
  # runAsNonRoot: true
  # runAsUser: 1000

service:
  # ClusterIP, NodePort or LoadBalancer.
  type: ClusterIP
  port: 80

ingress:
  enabled: false
  className: ""
  annotations: {}
    # kubernetes.io/tls-acme: "true"
  hosts:
    - host: chart-example.local
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls: []
  #  - secretName: chart-example-tls
  #    hosts:
  #      - chart-example.local

# Gateway API route to the service (needs the Gateway API in the cluster).
httpRoute:
  enabled: false
  annotations: {}
  # Gateways the route attaches to.
  parentRefs:
  - name: gateway
    sectionName: http
    # namespace: default
  hostnames:
  - chart-example.local
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /headers

# Container resources; left empty so the chart runs on small clusters. Set requests and limits here.
resources: {}
  # limits:
  #   cpu: 100m
  #   memory: 128Mi
  # requests:
  #   cpu: 100m
  #   memory: 128Mi

livenessProbe:
  httpGet:
    path: /
    port: http
readinessProbe:
  httpGet:
    path: /
    port: http

autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80
  # targetMemoryUtilizationPercentage: 80

# Extra volumes and mounts for the deployment.
volumes: []
volumeMounts: []

nodeSelector: {}

tolerations: []

affinity: {}
`,
  'templates/_helpers.tpl': String.raw`{{!-- The chart name, or nameOverride, cut to 63 characters (the DNS label limit). --}}
{{~#define "<CHARTNAME>.name"~}}
{{trimSuffix "-" (trunc 63 (default Chart.Name Values.nameOverride))}}
{{~/define}}

{{!-- The full name of the release's resources: release name plus chart name, unless the release name already holds it. --}}
{{~#define "<CHARTNAME>.fullname"~}}
{{~#if Values.fullnameOverride}}
{{~trimSuffix "-" (trunc 63 Values.fullnameOverride)}}
{{~else}}
{{~#let (default Chart.Name Values.nameOverride) as |name|}}
{{~#if (contains name Release.Name)}}
{{~trimSuffix "-" (trunc 63 Release.Name)}}
{{~else}}
{{~trimSuffix "-" (trunc 63 (printf "%s-%s" Release.Name name))}}
{{~/if}}
{{~/let}}
{{~/if}}
{{~/define}}

{{!-- Chart name and version for the helm.sh/chart label. --}}
{{~#define "<CHARTNAME>.chart"~}}
{{trimSuffix "-" (trunc 63 (replace "+" "_" (printf "%s-%s" Chart.Name Chart.Version)))}}
{{~/define}}

{{!-- Labels every resource carries. --}}
{{~#define "<CHARTNAME>.labels"~}}
helm.sh/chart: {{include "<CHARTNAME>.chart" this}}
{{include "<CHARTNAME>.selectorLabels" this}}
{{~#if Chart.AppVersion}}
app.kubernetes.io/version: {{quote Chart.AppVersion}}
{{~/if}}
app.kubernetes.io/managed-by: {{Release.Service}}
{{~/define}}

{{!-- Labels that select the release's pods. --}}
{{~#define "<CHARTNAME>.selectorLabels"~}}
app.kubernetes.io/name: {{include "<CHARTNAME>.name" this}}
app.kubernetes.io/instance: {{Release.Name}}
{{~/define}}

{{!-- The service account the pods run as. --}}
{{~#define "<CHARTNAME>.serviceAccountName"~}}
{{~#if Values.serviceAccount.create}}
{{~default (include "<CHARTNAME>.fullname" this) Values.serviceAccount.name}}
{{~else}}
{{~default "default" Values.serviceAccount.name}}
{{~/if}}
{{~/define}}
`,
  'templates/deployment.yaml': String.raw`apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{include "<CHARTNAME>.fullname" this}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
spec:
  {{~#unless Values.autoscaling.enabled}}
  replicas: {{Values.replicaCount}}
  {{~/unless}}
  selector:
    matchLabels:
      {{~nindent 6 (include "<CHARTNAME>.selectorLabels" this)}}
  template:
    metadata:
      {{~#with Values.podAnnotations}}
      annotations:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      labels:
        {{~nindent 8 (include "<CHARTNAME>.labels" this)}}
        {{~#with Values.podLabels}}
        {{~nindent 8 (toYaml this)}}
        {{~/with}}
    spec:
      {{~#with Values.imagePullSecrets}}
      imagePullSecrets:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      serviceAccountName: {{include "<CHARTNAME>.serviceAccountName" this}}
      {{~#with Values.podSecurityContext}}
      securityContext:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      containers:
        - name: {{Chart.Name}}
          {{~#with Values.securityContext}}
          securityContext:
            {{~nindent 12 (toYaml this)}}
          {{~/with}}
          image: "{{Values.image.repository}}:{{default Chart.AppVersion Values.image.tag}}"
          imagePullPolicy: {{Values.image.pullPolicy}}
          ports:
            - name: http
              containerPort: {{Values.service.port}}
              protocol: TCP
          {{~#with Values.livenessProbe}}
          livenessProbe:
            {{~nindent 12 (toYaml this)}}
          {{~/with}}
          {{~#with Values.readinessProbe}}
          readinessProbe:
            {{~nindent 12 (toYaml this)}}
          {{~/with}}
          {{~#with Values.resources}}
          resources:
            {{~nindent 12 (toYaml this)}}
          {{~/with}}
          {{~#with Values.volumeMounts}}
          volumeMounts:
            {{~nindent 12 (toYaml this)}}
          {{~/with}}
      {{~#with Values.volumes}}
      volumes:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      {{~#with Values.nodeSelector}}
      nodeSelector:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      {{~#with Values.affinity}}
      affinity:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
      {{~#with Values.tolerations}}
      tolerations:
        {{~nindent 8 (toYaml this)}}
      {{~/with}}
`,
  'templates/service.yaml': String.raw`apiVersion: v1
kind: Service
metadata:
  name: {{include "<CHARTNAME>.fullname" this}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
spec:
  type: {{Values.service.type}}
  ports:
    - port: {{Values.service.port}}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{~nindent 4 (include "<CHARTNAME>.selectorLabels" this)}}
`,
  'templates/serviceaccount.yaml': String.raw`{{~#if Values.serviceAccount.create~}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{include "<CHARTNAME>.serviceAccountName" this}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
  {{~#with Values.serviceAccount.annotations}}
  annotations:
    {{~nindent 4 (toYaml this)}}
  {{~/with}}
automountServiceAccountToken: {{Values.serviceAccount.automount}}
{{~/if}}
`,
  'templates/ingress.yaml': String.raw`{{~#if Values.ingress.enabled~}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{include "<CHARTNAME>.fullname" this}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
  {{~#with Values.ingress.annotations}}
  annotations:
    {{~nindent 4 (toYaml this)}}
  {{~/with}}
spec:
  {{~#with Values.ingress.className}}
  ingressClassName: {{this}}
  {{~/with}}
  {{~#if Values.ingress.tls}}
  tls:
    {{~#each Values.ingress.tls}}
    - hosts:
        {{~#each hosts}}
        - {{quote this}}
        {{~/each}}
      secretName: {{secretName}}
    {{~/each}}
  {{~/if}}
  rules:
    {{~#each Values.ingress.hosts}}
    - host: {{quote host}}
      http:
        paths:
          {{~#each paths}}
          - path: {{path}}
            {{~#with pathType}}
            pathType: {{this}}
            {{~/with}}
            backend:
              service:
                name: {{include "<CHARTNAME>.fullname" @root}}
                port:
                  number: {{@root.Values.service.port}}
          {{~/each}}
    {{~/each}}
{{~/if}}
`,
  'templates/httproute.yaml': String.raw`{{~#if Values.httpRoute.enabled~}}
{{~#let (include "<CHARTNAME>.fullname" this) Values.service.port as |fullName svcPort|~}}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {{fullName}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
  {{~#with Values.httpRoute.annotations}}
  annotations:
    {{~nindent 4 (toYaml this)}}
  {{~/with}}
spec:
  parentRefs:
    {{~#with Values.httpRoute.parentRefs}}
      {{~nindent 4 (toYaml this)}}
    {{~/with}}
  {{~#with Values.httpRoute.hostnames}}
  hostnames:
    {{~nindent 4 (toYaml this)}}
  {{~/with}}
  rules:
    {{~#each Values.httpRoute.rules}}
    {{~#with matches}}
    - matches:
      {{~nindent 8 (toYaml this)}}
    {{~/with}}
    {{~#with filters}}
      filters:
      {{~nindent 8 (toYaml this)}}
    {{~/with}}
      backendRefs:
        - name: {{fullName}}
          port: {{svcPort}}
          weight: 1
    {{~/each}}
{{~/let}}
{{~/if}}
`,
  'templates/hpa.yaml': String.raw`{{~#if Values.autoscaling.enabled}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{include "<CHARTNAME>.fullname" this}}
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{include "<CHARTNAME>.fullname" this}}
  minReplicas: {{Values.autoscaling.minReplicas}}
  maxReplicas: {{Values.autoscaling.maxReplicas}}
  metrics:
    {{~#if Values.autoscaling.targetCPUUtilizationPercentage}}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{Values.autoscaling.targetCPUUtilizationPercentage}}
    {{~/if}}
    {{~#if Values.autoscaling.targetMemoryUtilizationPercentage}}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{Values.autoscaling.targetMemoryUtilizationPercentage}}
    {{~/if}}
{{~/if}}
`,
  'templates/NOTES.txt': String.raw`1. Get the application URL by running these commands:
{{~#if Values.httpRoute.enabled}}
{{~#if Values.httpRoute.hostnames}}
    export APP_HOSTNAME={{first Values.httpRoute.hostnames}}
{{~else}}
    export APP_HOSTNAME=$(kubectl get --namespace {{default Release.Namespace (get (first Values.httpRoute.parentRefs) "namespace")}} gateway/{{get (first Values.httpRoute.parentRefs) "name"}} -o jsonpath="{.spec.listeners[0].hostname}")
{{~/if}}
    echo "Visit http://$APP_HOSTNAME to use your application"

    NOTE: what the route matches depends on your gateway's listeners and on the route's rules.
{{~else if Values.ingress.enabled}}
{{~#each Values.ingress.hosts as |host|}}
  {{~#each host.paths}}
  http{{#if @root.Values.ingress.tls}}s{{/if}}://{{host.host}}{{path}}
  {{~/each}}
{{~/each}}
{{~else if (contains "NodePort" Values.service.type)}}
  export NODE_PORT=$(kubectl get --namespace {{Release.Namespace}} -o jsonpath="{.spec.ports[0].nodePort}" services {{include "<CHARTNAME>.fullname" this}})
  export NODE_IP=$(kubectl get nodes --namespace {{Release.Namespace}} -o jsonpath="{.items[0].status.addresses[0].address}")
  echo http://$NODE_IP:$NODE_PORT
{{~else if (contains "LoadBalancer" Values.service.type)}}
     NOTE: the LoadBalancer IP may take a few minutes to appear.
           Watch for it with 'kubectl get --namespace {{Release.Namespace}} svc -w {{include "<CHARTNAME>.fullname" this}}'
  export SERVICE_IP=$(kubectl get svc --namespace {{Release.Namespace}} {{include "<CHARTNAME>.fullname" this}} -o jsonpath="{.status.loadBalancer.ingress[0].ip}")
  echo http://$SERVICE_IP:{{Values.service.port}}
{{~else if (contains "ClusterIP" Values.service.type)}}
  export POD_NAME=$(kubectl get pods --namespace {{Release.Namespace}} -l "app.kubernetes.io/name={{include "<CHARTNAME>.name" this}},app.kubernetes.io/instance={{Release.Name}}" -o jsonpath="{.items[0].metadata.name}")
  export CONTAINER_PORT=$(kubectl get pod --namespace {{Release.Namespace}} $POD_NAME -o jsonpath="{.spec.containers[0].ports[0].containerPort}")
  echo "Visit http://127.0.0.1:8080 to use your application"
  kubectl --namespace {{Release.Namespace}} port-forward $POD_NAME 8080:$CONTAINER_PORT
{{~/if}}
`,
  'templates/tests/test-connection.yaml': String.raw`apiVersion: v1
kind: Pod
metadata:
  name: "{{include "<CHARTNAME>.fullname" this}}-test-connection"
  labels:
    {{~nindent 4 (include "<CHARTNAME>.labels" this)}}
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['{{include "<CHARTNAME>.fullname" this}}:{{Values.service.port}}']
  restartPolicy: Never
`,
};
