{{/*
Helpers shared by every component. Every helper of the chart is named
tracing-demo.<component>.<thing>; component-scoped ones take a dict:
  (dict "context" $ "component" "jaeger")
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "tracing-demo.chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "tracing-demo.chart.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of a component's objects: <fullname>-<component>, at most 63 characters. */}}
{{- define "tracing-demo.component.name" -}}
{{- printf "%s-%s" (include "tracing-demo.chart.fullname" .context) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The helm.sh/chart label: <chart>-<version>. */}}
{{- define "tracing-demo.chart.label" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select a component's pods; they never change across upgrades (selectors are immutable). */}}
{{- define "tracing-demo.component.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tracing-demo.chart.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* Every label of a component's objects: the selector labels plus version and chart, which change on upgrade. */}}
{{- define "tracing-demo.component.labels" -}}
helm.sh/chart: {{ include "tracing-demo.chart.label" .context }}
{{ include "tracing-demo.component.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: tracing-demo
{{- end }}

{{/* An image reference: [global.imageRegistry/]repository:tag, the tag defaulting to the chart's appVersion. (dict "context" $ "image" .image) */}}
{{- define "tracing-demo.pod.image" -}}
{{- $registry := .context.Values.global.imageRegistry | trimSuffix "/" }}
{{- $repository := .image.repository }}
{{- if $registry }}{{ $repository = printf "%s/%s" $registry $repository }}{{ end }}
{{- printf "%s:%s" $repository (toString (.image.tag | default .context.Chart.AppVersion)) }}
{{- end }}

{{/* An image's pull policy, defaulting to global.imagePullPolicy. (dict "context" $ "image" .image) */}}
{{- define "tracing-demo.pod.imagePullPolicy" -}}
{{- .image.pullPolicy | default .context.Values.global.imagePullPolicy }}
{{- end }}

{{/* Pod-level security for Pod Security "restricted": non-root, RuntimeDefault seccomp. (dict "context" $ "podSecurityContext" .podSecurityContext) */}}
{{- define "tracing-demo.pod.securityContext" -}}
runAsNonRoot: true
runAsUser: {{ .podSecurityContext.runAsUser }}
runAsGroup: {{ .podSecurityContext.runAsGroup }}
fsGroup: {{ .podSecurityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level security for Pod Security "restricted": no privilege escalation, no capabilities, read-only root filesystem. */}}
{{- define "tracing-demo.pod.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod spec fields every pod shares: pull secrets, scheduling, no service links. */}}
{{- define "tracing-demo.pod.defaults" -}}
enableServiceLinks: false
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.global.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.global.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A volume that is a PersistentVolumeClaim template when persistence is on (StatefulSets), else nothing: the caller adds an emptyDir. (dict "context" $ "name" "data" "persistence" .persistence) */}}
{{/* A StatefulSet's claims: the release-wide retention policy and one claim template. (dict "context" $ "name" "data" "persistence" $x.persistence) */}}
{{- define "tracing-demo.statefulSet.volumeClaims" -}}
persistentVolumeClaimRetentionPolicy:
  {{- toYaml .context.Values.global.persistentVolumeClaimRetentionPolicy | nindent 2 }}
volumeClaimTemplates:
  {{- include "tracing-demo.statefulSet.volumeClaimTemplate" . | nindent 2 }}
{{- end }}

{{- define "tracing-demo.statefulSet.volumeClaimTemplate" -}}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: {{ .name }}
  spec:
    accessModes:
      - ReadWriteOnce
    {{- with .persistence.storageClassName }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size }}
{{- end }}

{{/* The port of a URL: explicit, else 443 for https and 80 for http. */}}
{{- define "tracing-demo.url.port" -}}
{{- $url := urlParse . }}
{{- $hostPort := splitList ":" $url.host }}
{{- if gt (len $hostPort) 1 }}{{ last $hostPort }}
{{- else if eq $url.scheme "https" }}443
{{- else }}80
{{- end }}
{{- end }}

{{/* Where the services send OTLP/HTTP: the chart's collector, or collector.external.otlpHttpEndpoint. */}}
{{- define "tracing-demo.collector.endpoint" -}}
{{- if .Values.collector.enabled }}
{{- printf "http://%s:4318" (include "tracing-demo.component.name" (dict "context" . "component" "collector")) }}
{{- else }}
{{- required "collector.external.otlpHttpEndpoint is required when collector.enabled is false" .Values.collector.external.otlpHttpEndpoint }}
{{- end }}
{{- end }}

{{/* "true" when the release deploys its trace store (traces.enabled), of kind `backend` if one is given, else "". (dict "context" $ "backend" "jaeger") */}}
{{- define "tracing-demo.traces.deployed" -}}
{{- $t := .context.Values.traces }}
{{- if and $t.enabled (or (not .backend) (eq .backend $t.backend)) }}true{{ end }}
{{- end }}

{{/* The port of the trace store's query API: Tempo's HTTP API, or Jaeger's query HTTP (API and UI). */}}
{{- define "tracing-demo.traces.queryPort" -}}
{{- ternary 16686 3200 (eq .Values.traces.backend "jaeger") }}
{{- end }}

{{/* Where the collector exports traces (OTLP/HTTP): the release's store, or traces.external.otlpHttpEndpoint. */}}
{{- define "tracing-demo.traces.otlpEndpoint" -}}
{{- if .Values.traces.enabled }}
{{- printf "http://%s:4318" (include "tracing-demo.component.name" (dict "context" . "component" .Values.traces.backend)) }}
{{- else }}
{{- required "traces.external.otlpHttpEndpoint is required when traces.enabled is false and the collector is deployed (the collector exports the sampled traces there)" .Values.traces.external.otlpHttpEndpoint }}
{{- end }}
{{- end }}

{{/* "true" when the release has a trace store to query: its own, or traces.external.queryUrl. */}}
{{- define "tracing-demo.traces.queryable" -}}
{{- if or .Values.traces.enabled .Values.traces.external.queryUrl }}true{{ end }}
{{- end }}

{{/* The trace store's query API (Grafana's TRACES_URL, helm test): the release's store, or traces.external.queryUrl. */}}
{{- define "tracing-demo.traces.queryUrl" -}}
{{- if .Values.traces.enabled }}
{{- printf "http://%s:%s" (include "tracing-demo.component.name" (dict "context" . "component" .Values.traces.backend)) (include "tracing-demo.traces.queryPort" .) }}
{{- else }}
{{- required "traces.external.queryUrl is required when traces.enabled is false and Grafana is deployed (its trace data source queries it)" .Values.traces.external.queryUrl }}
{{- end }}
{{- end }}

{{/* Prometheus' HTTP API (Grafana): the chart's Prometheus, or prometheus.external.url. */}}
{{- define "tracing-demo.prometheus.url" -}}
{{- if .Values.prometheus.enabled }}
{{- printf "http://%s:9090" (include "tracing-demo.component.name" (dict "context" . "component" "prometheus")) }}
{{- else }}
{{- required "prometheus.external.url is required when prometheus.enabled is false and grafana.enabled is true" .Values.prometheus.external.url }}
{{- end }}
{{- end }}

{{/* The Prometheus Jaeger's SPM reads span metrics from: the release's, or prometheus.external.url. */}}
{{- define "tracing-demo.jaeger.prometheusUrl" -}}
{{- if .Values.prometheus.enabled }}
{{- printf "http://%s:9090" (include "tracing-demo.component.name" (dict "context" . "component" "prometheus")) }}
{{- else }}
{{- required "jaeger.spm.enabled needs a Prometheus holding the collector's span metrics: keep prometheus.enabled, set prometheus.external.url, or set jaeger.spm.enabled=false" .Values.prometheus.external.url }}
{{- end }}
{{- end }}

{{/* The gateway's in-cluster URL (loadgen, helm test). */}}
{{- define "tracing-demo.services.gatewayUrl" -}}
{{- $gateway := include "tracing-demo.services.gateway" . }}
{{- printf "http://%s:%s" (include "tracing-demo.component.name" (dict "context" . "component" $gateway)) (include "tracing-demo.services.port" (dict "context" . "name" $gateway)) }}
{{- end }}

{{/* The collector component that runs the sampling pipeline and exports to the trace store. */}}
{{- define "tracing-demo.collector.samplingComponent" -}}
{{- if .Values.collector.twoTier.enabled }}collector-sampler{{ else }}collector{{ end }}
{{- end }}

{{/* A Secret value generated once and kept across upgrades: the value already in the cluster (lookup), else a new one; base64-encoded. (dict "context" $ "secret" "<name>" "key" "<key>" "generate" "ed25519"|"password") */}}
{{- define "tracing-demo.secret.keptValue" -}}
{{- $existing := lookup "v1" "Secret" .context.Release.Namespace .secret | default dict }}
{{- $data := dig "data" dict $existing }}
{{- if and (hasKey $data .key) (index $data .key) }}
{{- index $data .key }}
{{- else if eq .generate "ed25519" }}
{{- genPrivateKey "ed25519" | b64enc }}
{{- else }}
{{- randAlphaNum 32 | b64enc }}
{{- end }}
{{- end }}

{{/* SYNTHETIC_TOKEN from the synthetic-traffic token's Secret (the gateway, loadgen, helm test). */}}
{{- define "tracing-demo.traceContext.syntheticTokenEnv" -}}
{{- $t := .Values.traceContext.syntheticToken }}
- name: SYNTHETIC_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $t.existingSecret | default (include "tracing-demo.component.name" (dict "context" . "component" "synthetic-token")) }}
      key: {{ $t.existingSecretKey }}
{{- end }}
