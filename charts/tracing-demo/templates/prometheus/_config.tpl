{{/* Where each scrape job of prometheus/prometheus.yml finds its targets in the cluster: DNS discovery of the collectors' headless Services (every pod), the trace store's Service (Tempo or Jaeger), Prometheus itself. null: the component is not in this release and the job is left out. */}}
{{- define "tracing-demo.prometheus.scrapeTargets" -}}
{{- $ns := .Release.Namespace }}
{{- $c := .Values.collector }}
{{- $front := printf "%s.%s.svc" (include "tracing-demo.component.name" (dict "context" . "component" "collector-headless")) $ns }}
{{- $samplers := printf "%s.%s.svc" (include "tracing-demo.component.name" (dict "context" . "component" "collector-sampler")) $ns }}
{{- if $c.enabled }}
otel-collector-span-metrics:
  dns_sd_configs:
    - names:
        - {{ ternary $samplers $front $c.twoTier.enabled }}
      type: A
      port: 8889
otel-collector:
  dns_sd_configs:
    - names:
        - {{ $front }}
        {{- if $c.twoTier.enabled }}
        - {{ $samplers }}
        {{- end }}
      type: A
      port: 8888
{{- else }}
otel-collector-span-metrics: null
otel-collector: null
{{- end }}
{{- if include "tracing-demo.traces.deployed" (dict "context" . "backend" "tempo") }}
tempo:
  static_configs:
    - targets:
        - {{ printf "%s:3200" (include "tracing-demo.component.name" (dict "context" . "component" "tempo")) }}
{{- else }}
tempo: null
{{- end }}
{{- if include "tracing-demo.traces.deployed" (dict "context" . "backend" "jaeger") }}
jaeger:
  static_configs:
    - targets:
        - {{ printf "%s:8888" (include "tracing-demo.component.name" (dict "context" . "component" "jaeger")) }}
{{- else }}
jaeger: null
{{- end }}
prometheus:
  static_configs:
    - targets:
        - localhost:9090
{{- end }}

{{/* prometheus/prometheus.yml with each job's loopback static targets replaced by the in-cluster ones above; job names and every other setting are kept. A job the chart does not know fails the render, so the file and the chart cannot drift apart silently. */}}
{{- define "tracing-demo.prometheus.config" -}}
{{- $config := .Files.Get "files/prometheus/prometheus.yml" | fromYaml }}
{{- $targets := include "tracing-demo.prometheus.scrapeTargets" . | fromYaml }}
{{- $jobs := list }}
{{- range $job := $config.scrape_configs }}
{{- if not (hasKey $targets $job.job_name) }}
{{- fail (printf "prometheus/prometheus.yml has a scrape job %q that the chart has no targets for: add it to tracing-demo.prometheus.scrapeTargets (templates/prometheus/_config.tpl)" $job.job_name) }}
{{- end }}
{{- with index $targets $job.job_name }}
{{- $jobs = append $jobs (merge (omit $job "static_configs") .) }}
{{- end }}
{{- end }}
{{- $_ := set $config "scrape_configs" $jobs }}
{{- toYaml $config }}
{{- end }}

{{/* The rule files Prometheus loads: prometheus/rules/*.yaml, less those about a component this release does not run (their absent() alerts would fire for nothing): of the trace stores' files, the deployed store's only. */}}
{{- define "tracing-demo.prometheus.ruleFiles" -}}
{{- $owners := dict "collector.yaml" .Values.collector.enabled }}
{{- range list "tempo" "jaeger" }}
{{- $_ := set $owners (printf "%s.yaml" .) (include "tracing-demo.traces.deployed" (dict "context" $ "backend" .) | eq "true") }}
{{- end }}
{{- $files := list }}
{{- range $path, $_ := .Files.Glob "files/prometheus/rules/*.yaml" }}
{{- $name := base $path }}
{{- if or (not (hasKey $owners $name)) (index $owners $name) }}
{{- $files = append $files $path }}
{{- end }}
{{- end }}
{{- toJson $files }}
{{- end }}
