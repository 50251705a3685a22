{{/*
The collector's memory settings from its container's memory limit (dict "resources" .resources "name" "<values path>"):
- memory_limiter: 80 % of it as the hard limit, a fifth of that as spike headroom; above the
  soft limit (hard − spike) the receiver refuses data.
- GOMEMLIMIT at that soft limit: Go's garbage collector then collects harder as the heap nears
  the point of refusing, instead of letting garbage (GOGC=100 lets the heap grow to twice the
  live data) trigger refusals while the live data would fit. It costs GC CPU only near the
  limit (bench/README.md, collector-capacity).
- GOGC=200: below that cap the heap may grow to three times the live data, so the collector
  spends less CPU collecting (docs/pipeline.md, sizing).
*/}}
{{- define "tracing-demo.collector.memoryEnv" -}}
{{- $limit := include "tracing-demo.collector.mebibytes" (dict "quantity" (dig "limits" "memory" "" .resources | required (printf "%s.limits.memory is required: the collector's memory_limiter is derived from it" .name)) "name" (printf "%s.limits.memory" .name)) | int }}
{{- $limitMiB := div (mul $limit 80) 100 }}
{{- $spikeMiB := div $limitMiB 5 }}
- name: OTELCOL_MEMORY_LIMIT_MIB
  value: {{ $limitMiB | quote }}
- name: OTELCOL_MEMORY_SPIKE_LIMIT_MIB
  value: {{ $spikeMiB | quote }}
- name: GOMEMLIMIT
  value: {{ printf "%dMiB" (sub $limitMiB $spikeMiB) | quote }}
- name: GOGC
  value: "200"
{{- end }}

{{/* The environment of a collector running the sampling pipeline (collector/otel-collector.yaml). */}}
{{- define "tracing-demo.collector.samplingEnv" -}}
{{- $c := .Values.collector }}
- name: OTELCOL_LOG_LEVEL
  value: {{ $c.logLevel | quote }}
{{- include "tracing-demo.collector.memoryEnv" (dict "resources" $c.resources "name" "collector.resources") }}
- name: OTELCOL_QUEUE_DIR
  value: /var/lib/otelcol/queue
- name: TRACES_OTLP_HTTP_ENDPOINT
  value: {{ include "tracing-demo.traces.otlpEndpoint" . | quote }}
- name: SAMPLING_BASELINE_PERCENT
  value: {{ $c.sampling.baselinePercent | quote }}
- name: SAMPLING_SLOW_THRESHOLD_MS
  value: {{ $c.sampling.slowThresholdMs | quote }}
- name: SAMPLING_WAIT_AFTER_ROOT
  value: {{ $c.sampling.waitAfterRoot | quote }}
- name: SAMPLING_DECISION_WAIT
  value: {{ $c.sampling.decisionWait | quote }}
- name: SAMPLING_NUM_TRACES
  value: {{ $c.sampling.numTraces | quote }}
- name: SAMPLING_EXPECTED_TRACES_PER_SEC
  value: {{ $c.sampling.expectedNewTracesPerSec | quote }}
- name: SAMPLING_DECISION_CACHE_SIZE
  value: {{ $c.sampling.decisionCacheSize | quote }}
- name: SPAN_METRICS_FLUSH_INTERVAL
  value: {{ $c.spanMetricsFlushInterval | quote }}
- name: SPAN_METRICS_CARDINALITY_LIMIT
  value: {{ $c.spanMetricsCardinalityLimit | quote }}
{{- end }}

{{/* The --config files of a collector running the sampling pipeline: the base file, then the Kubernetes overlay (later files win). */}}
{{- define "tracing-demo.collector.samplingArgs" -}}
- --config=/conf/otel-collector.yaml
{{- if .Values.collector.kubernetesAttributes.enabled }}
- --config=/conf/k8s-attributes.yaml
{{- end }}
{{- end }}

{{/* Name of the ClusterRole (cluster-scoped: the namespace keeps two releases of the same name apart). */}}
{{- define "tracing-demo.collector.clusterRoleName" -}}
{{- printf "%s-%s" .Release.Namespace (include "tracing-demo.component.name" (dict "context" . "component" "collector")) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The collector's health_check probes (extension on :13133). */}}
{{- define "tracing-demo.collector.probes" -}}
startupProbe:
  httpGet:
    path: /
    port: health
  periodSeconds: 2
  failureThreshold: 30
livenessProbe:
  httpGet:
    path: /
    port: health
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /
    port: health
  periodSeconds: 5
  timeoutSeconds: 2
{{- end }}

{{/* Mebibytes in a memory quantity (Mi, Gi, M, G); fails with the value's name otherwise. (dict "quantity" "512Mi" "name" "collector.resources.limits.memory") */}}
{{- define "tracing-demo.collector.mebibytes" -}}
{{- $q := toString .quantity }}
{{- if hasSuffix "Gi" $q }}{{ mul (trimSuffix "Gi" $q | atoi) 1024 }}
{{- else if hasSuffix "Mi" $q }}{{ trimSuffix "Mi" $q | atoi }}
{{- else if hasSuffix "G" $q }}{{ div (mul (trimSuffix "G" $q | atoi) 1000000000) 1048576 }}
{{- else if hasSuffix "M" $q }}{{ div (mul (trimSuffix "M" $q | atoi) 1000000) 1048576 }}
{{- else }}{{ fail (printf "%s must be a memory quantity in Mi, Gi, M or G (got %q): the collector's memory_limiter is derived from it" .name $q) }}
{{- end }}
{{- end }}
