{{!-- The chart name, or nameOverride, cut to 63 characters (the DNS label limit). --}}
{{~#define "webapp.name"~}}
{{trimSuffix "-" (trunc 63 (default Chart.Name Values.nameOverride))}}
{{~/define}}

{{!-- The full name of the release's resources: release name plus chart name, unless the release name already holds it. --}}
{{~#define "webapp.fullname"~}}
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
{{~#define "webapp.chart"~}}
{{trimSuffix "-" (trunc 63 (replace "+" "_" (printf "%s-%s" Chart.Name Chart.Version)))}}
{{~/define}}

{{!-- Labels every resource carries. --}}
{{~#define "webapp.labels"~}}
helm.sh/chart: {{include "webapp.chart" this}}
{{include "webapp.selectorLabels" this}}
{{~#if Chart.AppVersion}}
app.kubernetes.io/version: {{quote Chart.AppVersion}}
{{~/if}}
app.kubernetes.io/managed-by: {{Release.Service}}
{{~/define}}

{{!-- Labels that select the release's pods. --}}
{{~#define "webapp.selectorLabels"~}}
app.kubernetes.io/name: {{include "webapp.name" this}}
app.kubernetes.io/instance: {{Release.Name}}
{{~/define}}

{{!-- The service account the pods run as. --}}
{{~#define "webapp.serviceAccountName"~}}
{{~#if Values.serviceAccount.create}}
{{~default (include "webapp.fullname" this) Values.serviceAccount.name}}
{{~else}}
{{~default "default" Values.serviceAccount.name}}
{{~/if}}
{{~/define}}
