{{~#define "registry.fullname"~}}
{{~#if (contains Chart.Name Release.Name)}}
{{~trimSuffix "-" (trunc 63 Release.Name)}}
{{~else}}
{{~trimSuffix "-" (trunc 63 (printf "%s-%s" Release.Name Chart.Name))}}
{{~/if}}
{{~/define}}

{{~#define "registry.selectorLabels"~}}
app.kubernetes.io/name: {{Chart.Name}}
app.kubernetes.io/instance: {{Release.Name}}
{{~/define}}

{{~#define "registry.labels"~}}
helm.sh/chart: {{Chart.Name}}-{{Chart.Version}}
{{include "registry.selectorLabels" this}}
app.kubernetes.io/version: {{quote Chart.AppVersion}}
app.kubernetes.io/managed-by: {{Release.Service}}
{{~/define}}

{{~#define "registry.serviceAccountName"~}}
{{~#if Values.serviceAccount.create}}
{{~default (include "registry.fullname" this) Values.serviceAccount.name}}
{{~else}}
{{~default "default" Values.serviceAccount.name}}
{{~/if}}
{{~/define}}
