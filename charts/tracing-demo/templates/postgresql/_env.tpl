{{/* DATABASE_URL for a service: the chart's PostgreSQL (password from its Secret, expanded by the kubelet), or the external one's Secret or URL. */}}
{{- define "tracing-demo.postgresql.env" -}}
{{- $pg := .Values.postgresql }}
{{- if $pg.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $pg.existingSecret | default (include "tracing-demo.component.name" (dict "context" . "component" "postgresql")) }}
      key: password
- name: DATABASE_URL
  value: {{ printf "postgres://%s:$(DATABASE_PASSWORD)@%s:5432/%s" $pg.username (include "tracing-demo.component.name" (dict "context" . "component" "postgresql")) $pg.database | quote }}
{{- else if $pg.external.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $pg.external.existingSecret }}
      key: {{ $pg.external.existingSecretKey }}
{{- else }}
- name: DATABASE_URL
  value: {{ required "postgresql.external.existingSecret or postgresql.external.url is required when postgresql.enabled is false" $pg.external.url | quote }}
{{- end }}
{{- end }}
