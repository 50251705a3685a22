{{/* AMQP_URL for a service: the chart's RabbitMQ (password from its Secret, expanded by the kubelet), or the external one's Secret or URL. */}}
{{- define "tracing-demo.rabbitmq.env" -}}
{{- $mq := .Values.rabbitmq }}
{{- if $mq.enabled }}
- name: AMQP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $mq.existingSecret | default (include "tracing-demo.component.name" (dict "context" . "component" "rabbitmq")) }}
      key: password
- name: AMQP_URL
  value: {{ printf "amqp://%s:$(AMQP_PASSWORD)@%s:5672" $mq.username (include "tracing-demo.component.name" (dict "context" . "component" "rabbitmq")) | quote }}
{{- else if $mq.external.existingSecret }}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ $mq.external.existingSecret }}
      key: {{ $mq.external.existingSecretKey }}
{{- else }}
- name: AMQP_URL
  value: {{ required "rabbitmq.external.existingSecret or rabbitmq.external.url is required when rabbitmq.enabled is false" $mq.external.url | quote }}
{{- end }}
{{- end }}
