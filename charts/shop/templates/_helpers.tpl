{{!-- Labels shared by the umbrella's own resources. --}}
{{~#define "shop.labels"~}}
app.kubernetes.io/part-of: {{Chart.Name}}
app.kubernetes.io/instance: {{Release.Name}}
environment: {{Values.global.environment}}
{{~/define}}
