{{/*
Building blocks of the NetworkPolicies. Every pod of the release is denied all traffic
(templates/networkpolicy.yaml); each component's policy then opens the edges it uses, on both
ends: the sender's egress and the receiver's ingress. Each rule helper renders a one-rule YAML
list, so a policy is a column of includes.
*/}}

{{/* A peer selecting the pods of one or more of the release's components. (dict "context" $ "components" (list "tempo")) */}}
{{- define "tracing-demo.networkPolicy.podPeer" -}}
{{- $labels := include "tracing-demo.component.selectorLabels" (dict "context" .context) | fromYaml }}
{{- $selector := dict "matchLabels" $labels }}
{{- if eq (len .components) 1 }}
{{- $_ := set $labels "app.kubernetes.io/component" (first .components) }}
{{- else }}
{{- $_ := set $selector "matchExpressions" (list (dict "key" "app.kubernetes.io/component" "operator" "In" "values" .components)) }}
{{- end }}
{{- toYaml (dict "podSelector" $selector) }}
{{- end }}

{{/* TCP ports as a NetworkPolicy `ports` list, in JSON (fromJsonArray it). (list 4317 4318) */}}
{{- define "tracing-demo.networkPolicy.tcpPorts" -}}
{{- $ports := list }}
{{- range . }}
{{- $ports = append $ports (dict "protocol" "TCP" "port" (int .)) }}
{{- end }}
{{- toJson $ports }}
{{- end }}

{{/* An ingress rule from the pods of some of the release's components and extra peers, on some ports; nothing when there is no peer. (dict "context" $ "components" (list …) "extra" (list …) "ports" (list …)) */}}
{{- define "tracing-demo.networkPolicy.podIngress" -}}
{{- $from := list }}
{{- if .components }}
{{- $from = append $from (include "tracing-demo.networkPolicy.podPeer" (dict "context" .context "components" .components) | fromYaml) }}
{{- end }}
{{- $from = concat $from (.extra | default list) }}
{{- if $from }}
{{- toYaml (list (dict "from" $from "ports" (include "tracing-demo.networkPolicy.tcpPorts" .ports | fromJsonArray))) }}
{{- end }}
{{- end }}

{{/* An ingress rule from anywhere on some ports. (list 3000) */}}
{{- define "tracing-demo.networkPolicy.openIngress" -}}
{{- toYaml (list (dict "ports" (include "tracing-demo.networkPolicy.tcpPorts" . | fromJsonArray))) }}
{{- end }}

{{/* An egress rule to the pods of one of the release's components on some ports. (dict "context" $ "component" "prometheus" "ports" (list 9090)) */}}
{{- define "tracing-demo.networkPolicy.podEgress" -}}
{{- $to := list (include "tracing-demo.networkPolicy.podPeer" (dict "context" .context "components" (list .component)) | fromYaml) }}
{{- toYaml (list (dict "to" $to "ports" (include "tracing-demo.networkPolicy.tcpPorts" .ports | fromJsonArray))) }}
{{- end }}

{{/* An egress rule to anything outside the release on some ports (an external database, object storage). (list 5432) */}}
{{- define "tracing-demo.networkPolicy.portEgress" -}}
{{- toYaml (list (dict "ports" (include "tracing-demo.networkPolicy.tcpPorts" . | fromJsonArray))) }}
{{- end }}

{{/* An egress rule to whatever serves a URL outside the release: any destination, the URL's port only. */}}
{{- define "tracing-demo.networkPolicy.urlEgress" -}}
{{- include "tracing-demo.networkPolicy.portEgress" (list (include "tracing-demo.url.port" .)) }}
{{- end }}

{{/* An egress rule to the Kubernetes API (networkPolicy.kubeApi). */}}
{{- define "tracing-demo.networkPolicy.kubeApiEgress" -}}
{{- $rule := dict "ports" (include "tracing-demo.networkPolicy.tcpPorts" .Values.networkPolicy.kubeApi.ports | fromJsonArray) }}
{{- with .Values.networkPolicy.kubeApi.to }}
{{- $_ := set $rule "to" . }}
{{- end }}
{{- toYaml (list $rule) }}
{{- end }}

{{/* Egress of a service or loadgen to the collector: its pods, or the external endpoint's port. */}}
{{- define "tracing-demo.networkPolicy.collectorEgress" -}}
{{- if .Values.collector.enabled }}
{{- include "tracing-demo.networkPolicy.podEgress" (dict "context" . "component" "collector" "ports" (list 4317 4318)) }}
{{- else }}
{{- include "tracing-demo.networkPolicy.urlEgress" .Values.collector.external.otlpHttpEndpoint }}
{{- end }}
{{- end }}

{{/* Egress of the sampling collector to the trace store's OTLP receivers: the release's store, or the external endpoint's port. */}}
{{- define "tracing-demo.traces.otlpEgress" -}}
{{- if .Values.traces.enabled }}
{{- include "tracing-demo.networkPolicy.podEgress" (dict "context" . "component" .Values.traces.backend "ports" (list 4317 4318)) }}
{{- else }}
{{- include "tracing-demo.networkPolicy.urlEgress" .Values.traces.external.otlpHttpEndpoint }}
{{- end }}
{{- end }}

{{/* Egress to the trace store's query API (Grafana, helm test). */}}
{{- define "tracing-demo.traces.queryEgress" -}}
{{- if .Values.traces.enabled }}
{{- include "tracing-demo.networkPolicy.podEgress" (dict "context" . "component" .Values.traces.backend "ports" (list (include "tracing-demo.traces.queryPort" .))) }}
{{- else }}
{{- include "tracing-demo.networkPolicy.urlEgress" .Values.traces.external.queryUrl }}
{{- end }}
{{- end }}
