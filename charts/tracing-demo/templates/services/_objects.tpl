{{/*
The objects of one service of services/services.yaml, rendered by templates/services/component.yaml
for each enabled service. Every define below the lookups takes
  (dict "context" $ "name" "order-service" "spec" <its manifest entry> "service" <its values>)
where the values are `services.<name>` of values.yaml completed with the defaults.
*/}}

{{/* The services of files/services.yaml (services/services.yaml, the one manifest), as YAML: name -> port, exposure, calls, postgresql, rabbitmq, jwt, demoUsers, syntheticToken, config. Everything about a service that is not an operator's choice comes from it. */}}
{{- define "tracing-demo.services.manifest" -}}
{{- $manifest := .Files.Get "files/services.yaml" | fromYaml }}
{{- if or (hasKey $manifest "Error") (not $manifest.services) }}
{{- fail (printf "files/services.yaml (services/services.yaml) has no `services:` map%s" (ternary (printf ": %v" $manifest.Error) "" (hasKey $manifest "Error"))) }}
{{- end }}
{{- toYaml $manifest.services }}
{{- end }}

{{/* "true" when a service of the manifest is deployed: `services.<name>.enabled`, true for a service without a block in values. (dict "context" $ "name" "order-service") */}}
{{- define "tracing-demo.services.enabled" -}}
{{- $values := index .context.Values.services .name | default dict }}
{{- if or (not (hasKey $values "enabled")) $values.enabled }}true{{ end }}
{{- end }}

{{/* The one service of the manifest with `exposure: public`: the platform's client edge (NOTES, helm test, networkPolicy.apiGateway, TRUSTED_NETWORKS). */}}
{{- define "tracing-demo.services.gateway" -}}
{{- $public := list }}
{{- range $name, $spec := include "tracing-demo.services.manifest" . | fromYaml }}
{{- if eq (toString $spec.exposure) "public" }}{{ $public = append $public $name }}{{ end }}
{{- end }}
{{- if ne (len $public) 1 }}
{{- fail (printf "services/services.yaml must have exactly one service with exposure: public, not %d (%s)" (len $public) (join ", " $public)) }}
{{- end }}
{{- first $public }}
{{- end }}

{{/* A service's port, from the manifest. (dict "context" $ "name" "order-service") */}}
{{- define "tracing-demo.services.port" -}}
{{- $spec := index (include "tracing-demo.services.manifest" .context | fromYaml) .name }}
{{- if not $spec }}{{ fail (printf "%s is not a service of services/services.yaml" .name) }}{{ end }}
{{- $spec.port }}
{{- end }}

{{/* Whether a service runs more than one pod (then it gets a PodDisruptionBudget). */}}
{{- define "tracing-demo.services.multiReplica" -}}
{{- $autoscaling := .service.autoscaling | default dict }}
{{- if or $autoscaling.enabled (gt (int (.service.replicas | default 1)) 1) }}true{{ end }}
{{- end }}

{{/* The container's environment: listen address, telemetry, pod identity, dependencies, config. */}}
{{- define "tracing-demo.services.env" -}}
{{- $ := .context }}
{{- $spec := .spec }}
{{- $fullName := include "tracing-demo.component.name" (dict "context" $ "component" .name) }}
{{- $defaults := $.Values.serviceDefaults }}
- name: HOST
  value: 0.0.0.0
- name: PORT
  value: {{ $spec.port | quote }}
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
  value: {{ include "tracing-demo.collector.endpoint" $ | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: http/protobuf
# Every span is recorded: tail sampling in the collector decides what is kept, after span
# metrics counted everything. A head sampler would let a caller's sampled flag hide requests.
- name: OTEL_TRACES_SAMPLER
  value: always_on
- name: OTEL_BSP_SCHEDULE_DELAY
  value: {{ $defaults.bspScheduleDelayMs | quote }}
{{- range $callee, $variable := $spec.calls }}
- name: {{ $variable }}
  value: {{ printf "http://%s:%s" (include "tracing-demo.component.name" (dict "context" $ "component" $callee)) (include "tracing-demo.services.port" (dict "context" $ "name" $callee)) | quote }}
{{- end }}
{{- if $spec.jwt }}
- name: JWT_ISSUER
  value: {{ $.Values.jwt.issuer | quote }}
- name: JWT_AUDIENCE
  value: {{ $.Values.jwt.audience | quote }}
{{- end }}
{{- if eq (toString $spec.jwt) "sign" }}
- name: JWT_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.jwt.existingSecret | default (include "tracing-demo.component.name" (dict "context" $ "component" "jwt")) }}
      key: {{ $.Values.jwt.existingSecretKey }}
{{- end }}
{{- if $spec.syntheticToken }}
{{- include "tracing-demo.traceContext.syntheticTokenEnv" $ }}
{{- end }}
{{- if and (eq (toString $spec.exposure) "public") $.Values.traceContext.trustedNetworks }}
- name: TRUSTED_NETWORKS
  value: {{ join "," $.Values.traceContext.trustedNetworks | quote }}
{{- end }}
{{- if and $spec.demoUsers $.Values.demoUsers.existingSecret }}
- name: {{ $spec.demoUsers }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.demoUsers.existingSecret }}
      key: {{ $.Values.demoUsers.existingSecretKey }}
{{- end }}
{{- if $spec.postgresql }}
{{- include "tracing-demo.postgresql.env" $ }}
{{- end }}
{{- if $spec.rabbitmq }}
{{- include "tracing-demo.rabbitmq.env" $ }}
{{- end }}
{{- $names := $spec.config | default dict }}
{{- $serviceName := .name }}
{{- range $key, $value := .service.config }}
- name: {{ index $names $key | required (printf "services.%s.config.%s has no environment variable in services/services.yaml (%s: config:)" $serviceName $key $serviceName) }}
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
  name: {{ include "tracing-demo.component.name" $component }}
  labels:
    {{- include "tracing-demo.component.labels" $component | nindent 4 }}
spec:
  {{- if not $autoscaling.enabled }}
  replicas: {{ .service.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "tracing-demo.component.selectorLabels" $component | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tracing-demo.component.labels" $component | nindent 8 }}
    spec:
      {{- include "tracing-demo.pod.defaults" $ | nindent 6 }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $.Values.serviceDefaults.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "tracing-demo.pod.securityContext" (dict "context" $ "podSecurityContext" $.Values.serviceDefaults.podSecurityContext) | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "tracing-demo.pod.image" (dict "context" $ "image" .service.image) }}
          imagePullPolicy: {{ include "tracing-demo.pod.imagePullPolicy" (dict "context" $ "image" .service.image) }}
          ports:
            - name: http
              containerPort: {{ .spec.port }}
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
            {{- $securityContext := include "tracing-demo.pod.containerSecurityContext" $ | fromYaml }}
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

{{/* A service's Service (none for `exposure: none`: nothing calls it). */}}
{{- define "tracing-demo.services.service" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "tracing-demo.component.name" $component }}
  labels:
    {{- include "tracing-demo.component.labels" $component | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "tracing-demo.component.selectorLabels" $component | nindent 4 }}
  ports:
    - name: http
      port: {{ .spec.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{/* A service's PodDisruptionBudget: one pod at a time may be evicted. */}}
{{- define "tracing-demo.services.podDisruptionBudget" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "tracing-demo.component.name" $component }}
  labels:
    {{- include "tracing-demo.component.labels" $component | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "tracing-demo.component.selectorLabels" $component | nindent 6 }}
{{- end }}

{{/* A service's HorizontalPodAutoscaler on CPU. */}}
{{- define "tracing-demo.services.horizontalPodAutoscaler" -}}
{{- $component := dict "context" .context "component" .name }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "tracing-demo.component.name" $component }}
  labels:
    {{- include "tracing-demo.component.labels" $component | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "tracing-demo.component.name" $component }}
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
{{- $spec := .spec }}
{{- $component := dict "context" $ "component" $name }}
{{- $manifest := include "tracing-demo.services.manifest" $ | fromYaml }}
{{- $callers := list }}
{{- range $caller, $callerSpec := $manifest }}
{{- if and (hasKey ($callerSpec.calls | default dict) $name) (include "tracing-demo.services.enabled" (dict "context" $ "name" $caller)) }}
{{- $callers = append $callers $caller }}
{{- end }}
{{- end }}
{{- $ports := list .spec.port }}
{{- $ingress := list }}
{{- if eq (toString .spec.exposure) "public" }}
{{- if $.Values.networkPolicy.apiGateway.allowAll }}
{{- $ingress = include "tracing-demo.networkPolicy.openIngress" $ports | fromYamlArray }}
{{- else }}
{{- $ingress = include "tracing-demo.networkPolicy.podIngress" (dict "context" $ "components" (append $callers "verify") "extra" $.Values.networkPolicy.apiGateway.from "ports" $ports) | fromYamlArray }}
{{- end }}
{{- else if ne (toString .spec.exposure) "none" }}
{{- $ingress = include "tracing-demo.networkPolicy.podIngress" (dict "context" $ "components" $callers "extra" (list) "ports" $ports) | fromYamlArray }}
{{- end }}
{{- $egress := include "tracing-demo.networkPolicy.collectorEgress" $ | fromYamlArray }}
{{- range $callee, $_ := .spec.calls }}
{{- $egress = concat $egress (include "tracing-demo.networkPolicy.podEgress" (dict "context" $ "component" $callee "ports" (list (include "tracing-demo.services.port" (dict "context" $ "name" $callee)))) | fromYamlArray) }}
{{- end }}
{{- range $store, $port := dict "postgresql" 5432 "rabbitmq" 5672 }}
{{- if index $spec $store }}
{{- $values := index $.Values $store }}
{{- if $values.enabled }}
{{- $egress = concat $egress (include "tracing-demo.networkPolicy.podEgress" (dict "context" $ "component" $store "ports" (list $port)) | fromYamlArray) }}
{{- else }}
{{- $egress = concat $egress (include "tracing-demo.networkPolicy.portEgress" (list $values.external.port) | fromYamlArray) }}
{{- end }}
{{- end }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "tracing-demo.component.name" $component }}
  labels:
    {{- include "tracing-demo.component.labels" $component | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tracing-demo.component.selectorLabels" $component | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- toYaml $ingress | nindent 4 }}
  egress:
    {{- toYaml $egress | nindent 4 }}
{{- end }}
