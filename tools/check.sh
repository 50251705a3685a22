#!/usr/bin/env bash
# `make tools-check`: assert that every tool built by tools/build.sh runs, reports
# the version pinned in tools/versions.env and does the job the project needs it
# for (collector components, helm-unittest plugin, offline kubeconform, Tilt
# evaluating a Tiltfile without a cluster), and that every Go module they link has a
# permissive licence (tools/licenses.py). Prints a table and a closing
# "N passed, N failed" line; exits non-zero on any failure. Builds nothing.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Component type names the collector config relies on (as registered by the
# pinned release; `otelcol components`).
OTELCOL_COMPONENTS=(
  receivers:otlp
  processors:memory_limiter processors:batch processors:tail_sampling
  processors:k8s_attributes processors:transform
  connectors:span_metrics connectors:service_graph connectors:forward
  exporters:otlp_grpc exporters:otlp_http exporters:load_balancing exporters:prometheus
  exporters:prometheus_remote_write exporters:debug
  extensions:file_storage extensions:health_check extensions:zpages extensions:pprof
)

PASS=0
FAIL=0
FAILED=()
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

row() { printf '%-22s %-34s %-52s %s\n' "$1" "$2" "$3" "$4"; }
ok() { row "$1" "$2" "$3" ok; PASS=$((PASS + 1)); }
bad() { row "$1" "$2" "$3" FAIL; FAIL=$((FAIL + 1)); FAILED+=("$1"); }

# first line of output, trimmed for the table
first() { head -n1 | cut -c1-52; }

# bin NAME -> path, or empty when not built
bin() { "$TOOLS_SRC_DIR/which.sh" "$1" 2>/dev/null || true; }

# check_version LABEL BIN EXPECTED-SUBSTRING CMD...
check_version() {
  local label="$1" b="$2" want="$3" out
  shift 3
  if [ -z "$b" ]; then bad "$label" "$want" "not built (run 'make tools')"; return; fi
  if out="$("$b" "$@" 2>&1)" && grep -qF -- "$want" <<<"$out"; then
    ok "$label" "$want" "$(first <<<"$out")"
  else
    bad "$label" "$want" "$(first <<<"$out")"
  fi
}

# Run a command without network access where possible (proves "offline").
offline() {
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    unshare -n "$@"
  else
    "$@"
  fi
}

row TOOL EXPECTED REPORTED RESULT
row ---- -------- -------- ------

# --- pins are consistent -----------------------------------------------------
manifest="$REPO_ROOT/collector/builder.yaml"
ver_re="${OTELCOL_VERSION//./\\.}"
drift="$(grep -E '^[[:space:]]*-[[:space:]]*gomod:' "$manifest" | grep -Ev " v${ver_re}[[:space:]]*$" || true)"
if [ -z "$drift" ] && grep -Eq "^[[:space:]]+version:[[:space:]]*\"?${ver_re}\"?[[:space:]]*$" "$manifest"; then
  ok "builder.yaml pins" "all v$OTELCOL_VERSION" "$(grep -c 'gomod:' "$manifest") components"
else
  bad "builder.yaml pins" "all v$OTELCOL_VERSION" "drift: $(echo "$drift" | head -n1 | awk '{print $NF}')"
fi

# --- versions ------------------------------------------------------------------
check_version ocb "$(bin ocb)" "v$OTELCOL_VERSION" version
OTELCOL="$(bin otelcol)"
check_version otelcol "$OTELCOL" "version $OTELCOL_VERSION" --version
check_version jaeger "$(bin jaeger)" "jaeger version v$JAEGER_RELEASE" --version
check_version prometheus "$(bin prometheus)" "version $PROMETHEUS_VERSION" --version
check_version promtool "$(bin promtool)" "version $PROMETHEUS_VERSION" --version
HELM="$(bin helm)"
check_version helm "$HELM" "v$HELM_VERSION" version --short
KUBECONFORM="$(bin kubeconform)"
check_version kubeconform "$KUBECONFORM" "v$KUBECONFORM_VERSION" -v
TILT="$(bin tilt)"
TILT_SKIPPED=""
if [ -z "$TILT" ] && [ -f "$(skip_file tilt)" ]; then
  # build.sh could not build the optional Tilt CLI here and said why.
  TILT_SKIPPED="$(head -n1 "$(skip_file tilt)")"
  row tilt "v$TILT_VERSION" "skipped by build.sh: $TILT_SKIPPED" SKIP
else
  check_version tilt "$TILT" "v$TILT_VERSION" version
fi

# --- collector components ------------------------------------------------------
if [ -n "$OTELCOL" ] && "$OTELCOL" components >"$T/components.yaml" 2>&1; then
  missing=()
  for c in "${OTELCOL_COMPONENTS[@]}"; do
    kind="${c%%:*}" name="${c#*:}"
    # `components` prints YAML: "<kind>:" then "    - name: <type>" entries.
    awk -v k="$kind:" -v n="$name" '
      /^[a-z]+:/ { sect = $1 }
      sect == k && $1 == "-" && $2 == "name:" && $3 == n { found = 1 }
      END { exit !found }' "$T/components.yaml" || missing+=("$c")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    ok "otelcol components" "${#OTELCOL_COMPONENTS[@]} required types" "all present"
  else
    bad "otelcol components" "${#OTELCOL_COMPONENTS[@]} required types" "missing: ${missing[*]}"
  fi
else
  bad "otelcol components" "${#OTELCOL_COMPONENTS[@]} required types" "otelcol not runnable"
fi

# --- helm-unittest plugin --------------------------------------------------------
if [ -n "$HELM" ]; then
  if "$HELM" plugin list 2>&1 | grep -Eq "^unittest[[:space:]]+$HELM_UNITTEST_VERSION"; then
    if "$HELM" unittest --help >"$T/hu.txt" 2>&1; then
      ok "helm-unittest plugin" "unittest $HELM_UNITTEST_VERSION" "helm unittest --help: ok"
    else
      bad "helm-unittest plugin" "unittest $HELM_UNITTEST_VERSION" "$(first <"$T/hu.txt")"
    fi
  else
    bad "helm-unittest plugin" "unittest $HELM_UNITTEST_VERSION" "$("$HELM" plugin list 2>&1 | tail -n +2 | first)"
  fi
else
  bad "helm-unittest plugin" "unittest $HELM_UNITTEST_VERSION" "helm not built"
fi

# --- kubeconform, offline, strict ------------------------------------------------
cat >"$T/good.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo, labels: {app: demo}}
spec:
  replicas: 1
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: demo
          image: example/demo:1.0.0
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: demo}
spec:
  selector: {app: demo}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: demo}
spec:
  podSelector: {}
  policyTypes: [Ingress]
EOF
cat >"$T/bad.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo}
spec:
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers:
        - name: demo
          image: example/demo:1.0.0
          imagePullPolicyy: Always
EOF
want="k8s v$KUBERNETES_SCHEMA_VERSION strict, offline"
if [ -z "$KUBECONFORM" ]; then
  bad "kubeconform schemas" "$want" "not built (run 'make tools')"
elif ! offline "$KUBECONFORM" -strict -summary "$T/good.yaml" >"$T/kc-good.txt" 2>&1; then
  bad "kubeconform schemas" "$want" "valid rejected: $(grep -v '^Summary' "$T/kc-good.txt" | first)"
elif offline "$KUBECONFORM" -strict "$T/bad.yaml" >"$T/kc-bad.txt" 2>&1 ||
  ! grep -q "imagePullPolicyy" "$T/kc-bad.txt"; then
  bad "kubeconform schemas" "$want" "unknown field not rejected: $(first <"$T/kc-bad.txt")"
else
  ok "kubeconform schemas" "$want" "$(grep -o 'Valid: [0-9]*' "$T/kc-good.txt"), unknown field rejected"
fi

# --- every linked Go module under a permissive licence, tools/LICENSES.md current ---
if python3 "$TOOLS_SRC_DIR/licenses.py" --check >"$T/licenses.txt" 2>&1; then
  ok "licences" "no copyleft/unknown, no drift" "$(tail -n1 "$T/licenses.txt" | cut -c1-52)"
else
  bad "licences" "no copyleft/unknown, no drift" "$(tail -n1 "$T/licenses.txt" | cut -c1-52)"
  sed 's/^/  /' "$T/licenses.txt" >&2
fi

# --- tilt evaluates a Tiltfile without a cluster ---------------------------------
if [ -n "$TILT" ]; then
  mkdir -p "$T/tilt"
  cat >"$T/tilt/Tiltfile" <<'EOF'
local_resource('hello', cmd='echo hello', labels=['check'])
EOF
  if (cd "$T/tilt" && HOME="$T/tilt" "$TILT" alpha tiltfile-result >"$T/tilt.json" 2>"$T/tilt.err") &&
    grep -q '"hello"' "$T/tilt.json"; then
    ok "tilt tiltfile-result" "local_resource evaluated" "no cluster needed"
  else
    bad "tilt tiltfile-result" "local_resource evaluated" "$(cat "$T/tilt.err" "$T/tilt.json" | first)"
  fi
elif [ -z "$TILT_SKIPPED" ]; then
  bad "tilt tiltfile-result" "local_resource evaluated" "tilt not built"
fi

echo
if [ "$FAIL" -gt 0 ]; then
  echo "failed checks: ${FAILED[*]} (cache: $TOOLS_DIR; rebuild with 'make tools')"
fi
echo "tools-check: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
