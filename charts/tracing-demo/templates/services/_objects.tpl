{{/*
The objects of one service of the `services:` map, rendered by templates/services/component.yaml
for each enabled service. Every define takes
  (dict "context" $ "name" "order-service" "service" (index $.Values.services "order-service"))
*/}}

{{/* How the services are wired: whom each calls (callee: the env var with its URL), what it stores in, which JWT role it has. The Deployments' env and the NetworkPolicies both come from this table. */}}
{{- define "tracing-demo.services.wiring" -}}
api-gateway:
  calls:
    auth-service: AUTH_SERVICE_URL
    order-service: ORDER_SERVICE_URL
  jwt: verify
  # The public edge: whose trace context it continues.
  trustsCallers: true
  syntheticToken: true
auth-service:
  postgresql: true
  jwt: sign
  demoUsers: DEMO_USERS
order-service:
  calls:
    auth-service: AUTH_SERVICE_URL
    payment-service: PAYMENT_SERVICE_URL
  postgresql: true
  rabbitmq: true
  jwt: verify
payment-service: {}
fulfillment-worker:
  postgresql: true
  rabbitmq: true
  # Nothing calls the worker: no Service, no ingress.
  internal: true
loadgen:
  calls:
    api-gateway: GATEWAY_URL
  demoUsers: LOADGEN_USERS
  syntheticToken: true
{{- end }}

{{/* The environment variable behind each key of a service's `config:` values (each service's src/config.ts). */}}
{{- define "tracing-demo.services.configEnv" -}}
rateLimitPerMinute: RATE_LIMIT_PER_MINUTE
tokenTtlSeconds: JWT_TTL_SECONDS
outboxPollMs: OUTBOX_POLL_MS
failureRate: PAYMENT_FAILURE_RATE
slowRate: PAYMENT_SLOW_RATE
slowDelayMs: PAYMENT_SLOW_DELAY_MS
prefetch: WORKER_PREFETCH
maxAttempts: WORKER_MAX_ATTEMPTS
retryDelayMs: WORKER_RETRY_DELAY_MS
rate: LOADGEN_RATE
mix: LOADGEN_MIX
concurrency: LOADGEN_CONCURRENCY
walletFraction: LOADGEN_WALLET_FRACTION
declineFraction: LOADGEN_DECLINE_FRACTION
timeoutMs: LOADGEN_TIMEOUT_MS
{{- end }}

{{/* One service's wiring entry. */}}
{{- define "tracing-demo.services.wiringOf" -}}
{{- $wiring := include "tracing-demo.services.wiring" . | fromYaml }}
{{- toYaml (index $wiring .name | default dict) }}
{{- end }}

{{/* Whether a service runs more than one pod (then it gets a PodDisruptionBudget). */}}
{{- define "tracing-demo.services.multiReplica" -}}
{{- $autoscaling := .service.autoscaling | default dict }}
{{- if or $autoscaling.enabled (gt (int (.service.replicas | default 1)) 1) }}true{{ end }}
{{- end }}

{{/* The container's environment: listen address, telemetry, pod identity, dependencies, config. */}}
{{- define "tracing-demo.services.env" -}}
{{- $ := .context }}
{{- $wiring := include "tracing-demo.services.wiringOf" . | fromYaml }}
{{- $fullName := include "tracing-demo.componentName" (dict "context" $ "component" .name) }}
{{- $defaults := $.Values.serviceDefaults }}
- name: HOST
  value: 0.0.0.0
- name: PORT
  value: {{ .service.port | quote }}
- name: LOG_LEVEL
  value: {{ $defaults.logLevel | quote }}
# Pod identity from the downward API: the telemetry bootstrap turns K8S_* into k8s.* resource
# attributes, and OTEL_RESOURCE_ATTRIBUTES below carries them too (service.instance.id is the
# pod's uid; k8s.pod.ip lets the collector's k8s_attributes find the pod behind a front tier).
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_POD_UID
  valueFrom:
    fieldRef:
      fieldPath: metadata.uid
- name: K8S_NAMESPACE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: K8S_POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: K8S_DEPLOYMENT_NAME
  value: {{ $fullName | quote }}
- name: SERVICE_VERSION
  value: {{ .service.image.tag | default $.Chart.AppVersion | toString | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  {{- $attributes := list "service.instance.id=$(K8S_POD_UID)" "k8s.pod.name=$(K8S_POD_NAME)" "k8s.pod.uid=$(K8S_POD_UID)" "k8s.pod.ip=$(K8S_POD_IP)" "k8s.namespace.name=$(K8S_NAMESPACE_NAME)" "k8s.node.name=$(K8S_NODE_NAME)" (printf "k8s.deployment.name=%s" $fullName) }}
  {{- range $key, $value := $defaults.resourceAttributes }}
  {{- $attributes = append $attributes (printf "%s=%s" $key (toString $value)) }}
  {{- end }}
  value: {{ join "," $attributes | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ include "tracing-demo.collectorEndpoint" $ | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: http/protobuf
# Every span is recorded: tail sampling in the collector decides what is kept, after span
# metrics counted everything. A head sampler would let a caller's sampled flag hide requests.
- name: OTEL_TRACES_SAMPLER
  value: always_on
- name: OTEL_BSP_SCHEDULE_DELAY
  value: {{ $defaults.bspScheduleDelayMs | quote }}
{{- range $callee, $variable := $wiring.calls }}
- name: {{ $variable }}
  value: {{ printf "http://%s:%v" (include "tracing-demo.componentName" (dict "context" $ "component" $callee)) (index $.Values.services $callee).port | quote }}
{{- end }}
{{- if $wiring.jwt }}
- name: JWT_ISSUER
  value: {{ $.Values.jwt.issuer | quote }}
- name: JWT_AUDIENCE
  value: {{ $.Values.jwt.audience | quote }}
{{- end }}
{{- if eq (toString $wiring.jwt) "sign" }}
- name: JWT_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.jwt.existingSecret | default (include "tracing-demo.componentName" (dict "context" $ "component" "jwt")) }}
      key: {{ $.Values.jwt.existingSecretKey }}
{{- end }}
{{- if $wiring.syntheticToken }}
{{- include "tracing-demo.syntheticTokenEnv" $ }}
{{- end }}
{{- if and $wiring.trustsCallers $.Values.traceContext.trustedNetworks }}
- name: TRUSTED_NETWORKS
  value: {{ join "," $.Values.traceContext.trustedNetworks | quote }}
{{- end }}
{{- if and $wiring.demoUsers $.Values.demoUsers.existingSecret }}
- name: {{ $wiring.demoUsers }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.demoUsers.existingSecret }}
      key: {{ $.Values.demoUsers.existingSecretKey }}
{{- end }}
{{- if $wiring.postgresql }}
{{- include "tracing-demo.postgresql.env" $ }}
{{- end }}
{{- if $wiring.rabbitmq }}
{{- include "tracing-demo.rabbitmq.env" $ }}
{{- end }}
{{- $names := include "tracing-demo.services.configEnv" . | fromYaml }}
{{- $serviceName := .name }}
{{- range $key, $value := .service.config }}
- name: {{ index $names $key | required (printf "services.%s.config.%s has no environment variable in tracing-demo.services.configEnv" $serviceName $key) }}
  value: {{ toString $value | quote }}
{{- end }}
{{- with .service.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* A service's Deployment. */}}
{{- define "tracing-demo.services.deployment" -}}
{{- $ := .context }}
{{- $component := dict "context" $ "component" .name }}
{{- $autoscaling := .service.autoscaling | default dict }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "tracing-demo.componentName" $component }}
  labels:
    {{- include "tracing-demo.labels" $component | nindent 4 }}
spec:
  {{- if not $autoscaling.enabled }}
  replicas: {{ .service.replicas | default 1 }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "tracing-demo.selectorLabels" $component | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tracing-demo.labels" $component | nindent 8 }}
    spec:
      {{- include "tracing-demo.podDefaults" $ | nindent 6 }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $.Values.serviceDefaults.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "tracing-demo.podSecurityContext" (dict "context" $ "podSecurityContext" $.Values.serviceDefaults.podSecurityContext) | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "tracing-demo.image" (dict "context" $ "image" .service.image) }}
          imagePullPolicy: {{ include "tracing-demo.imagePullPolicy" (dict "context" $ "image" .service.image) }}
          ports:
            - name: http
              containerPort: {{ .service.port }}
              protocol: TCP
          env:
            {{- include "tracing-demo.services.env" . | nindent 12 }}
          # /healthz: the process is alive; /readyz: its dependencies answer (never traced).
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          resources:
            {{- toYaml .service.resources | nindent 12 }}
          securityContext:
            {{- $securityContext := include "tracing-demo.containerSecurityContext" $ | fromYaml }}
            {{- $_ := set $securityContext "readOnlyRootFilesystem" $.Values.serviceDefaults.readOnlyRootFilesystem }}
            {{- toYaml $securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The root filesystem is read-only; Node and its libraries may write temporary files.
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end }}

{{/* A service's Service (none for the worker, which nobody calls). */}}
{{- define "tracing-demo.services.service" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "tracing-demo.componentName" $component }}
  labels:
    {{- include "tracing-demo.labels" $component | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "tracing-demo.selectorLabels" $component | nindent 4 }}
  ports:
    - name: http
      port: {{ .service.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{/* A service's PodDisruptionBudget: one pod at a time may be evicted. */}}
{{- define "tracing-demo.services.podDisruptionBudget" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "tracing-demo.componentName" $component }}
  labels:
    {{- include "tracing-demo.labels" $component | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "tracing-demo.selectorLabels" $component | nindent 6 }}
{{- end }}

{{/* A service's HorizontalPodAutoscaler on CPU. */}}
{{- define "tracing-demo.services.horizontalPodAutoscaler" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "tracing-demo.componentName" $component }}
  labels:
    {{- include "tracing-demo.labels" $component | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "tracing-demo.componentName" $component }}
  minReplicas: {{ .service.autoscaling.minReplicas }}
  maxReplicas: {{ .service.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .service.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}

{{/* A service's NetworkPolicy: ingress from its callers, egress to its callees, its stores and the collector. */}}
{{- define "tracing-demo.services.networkPolicy" -}}
{{- $ := .context }}
{{- $name := .name }}
{{- $component := dict "context" $ "component" $name }}
{{- $wiring := include "tracing-demo.services.wiring" . | fromYaml }}
{{- $mine := index $wiring $name | default dict }}
{{- $callers := list }}
{{- range $caller, $entry := $wiring }}
{{- if and (hasKey ($entry.calls | default dict) $name) (index $.Values.services $caller).enabled }}
{{- $callers = append $callers $caller }}
{{- end }}
{{- end }}
{{- $ingress := list }}
{{- if eq $name "api-gateway" }}
{{- if $.Values.networkPolicy.apiGateway.allowAll }}
{{- $ingress = include "tracing-demo.openIngress" (list .service.port) | fromYamlArray }}
{{- else }}
{{- $ingress = include "tracing-demo.podIngress" (dict "context" $ "components" (append $callers "verify") "extra" $.Values.networkPolicy.apiGateway.from "ports" (list .service.port)) | fromYamlArray }}
{{- end }}
{{- else }}
{{- $ingress = include "tracing-demo.podIngress" (dict "context" $ "components" $callers "extra" (list) "ports" (list .service.port)) | fromYamlArray }}
{{- end }}
{{- $egress := include "tracing-demo.collectorEgress" $ | fromYamlArray }}
{{- range $callee, $_ := $mine.calls }}
{{- $egress = concat $egress (include "tracing-demo.podEgress" (dict "context" $ "component" $callee "ports" (list (index $.Values.services $callee).port)) | fromYamlArray) }}
{{- end }}
{{- range $store, $port := dict "postgresql" 5432 "rabbitmq" 5672 }}
{{- if index $mine $store }}
{{- $values := index $.Values $store }}
{{- if $values.enabled }}
{{- $egress = concat $egress (include "tracing-demo.podEgress" (dict "context" $ "component" $store "ports" (list $port)) | fromYamlArray) }}
{{- else }}
{{- $egress = concat $egress (include "tracing-demo.portEgress" (list $values.external.port) | fromYamlArray) }}
{{- end }}
{{- end }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "tracing-demo.componentName" $component }}
  labels:
    {{- include "tracing-demo.labels" $component | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tracing-demo.selectorLabels" $component | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- toYaml $ingress | nindent 4 }}
  egress:
    {{- toYaml $egress | nindent 4 }}
{{- end }}
