# shellcheck shell=bash
# Shared definitions for tools/build.sh, tools/which.sh and tools/check.sh.
# Source it after scripts/lib.sh; it defines functions and variables only (no side
# effects besides reading tools/versions.env).

TOOLS_SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=versions.env
source "$TOOLS_SRC_DIR/versions.env"

TOOLS_DIR="${TRACING_DEMO_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tracing-demo/tools}"
# Bump when a recipe in build.sh changes in a way that needs a rebuild.
TOOLS_RECIPE_REV=1

# Every tool, in build order (dependencies first).
# shellcheck disable=SC2034 # used by the scripts that source this file
ALL_TOOLS=(ocb otelcol jaeger prometheus helm-unittest helm k8s-schemas kubeconform tilt)
# The local Kubernetes test cluster (cluster/, `make cluster-tools`): NOT in ALL_TOOLS, so
# `make tools` / `make tools-check` never build or check them; `tools/build.sh cluster` does.
# shellcheck disable=SC2034
CLUSTER_TOOLS=(etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kube-proxy kubelet coredns kube-router)

# Version used for the cache directory name and progress messages.
tool_version() {
  case "$1" in
    ocb | otelcol) echo "$OTELCOL_VERSION" ;;
    jaeger) echo "$JAEGER_VERSION" ;;
    prometheus) echo "$PROMETHEUS_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    helm-unittest) echo "$HELM_UNITTEST_VERSION" ;;
    kubeconform) echo "$KUBECONFORM_VERSION" ;;
    k8s-schemas) echo "$KUBERNETES_SCHEMA_VERSION" ;;
    tilt) echo "$TILT_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kube-apiserver | kubectl | kube-controller-manager | kube-scheduler | kube-proxy | kubelet) echo "$K8S_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    kube-router) echo "$KUBE_ROUTER_VERSION" ;;
    *) return 1 ;;
  esac
}

tool_dir() { echo "$TOOLS_DIR/$1-v$(tool_version "$1")"; }

# Binaries a tool provides in <dir>/bin.
tool_bins() {
  case "$1" in
    ocb) echo ocb ;;
    otelcol) echo otelcol ;;
    jaeger) echo jaeger ;;
    prometheus) echo "prometheus promtool" ;;
    helm) echo helm ;;
    helm-unittest) echo untt ;;
    kubeconform) echo kubeconform ;;
    k8s-schemas) echo "" ;;
    tilt) echo tilt ;;
    etcd) echo etcd ;;
    kube-apiserver | kubectl | kube-controller-manager | kube-scheduler | kube-proxy | kubelet | coredns | kube-router) echo "$1" ;;
  esac
}

# Which tool provides binary NAME.
tool_of_bin() {
  case "$1" in
    ocb | builder) echo ocb ;;
    otelcol) echo otelcol ;;
    jaeger) echo jaeger ;;
    prometheus | promtool) echo prometheus ;;
    helm) echo helm ;;
    untt | helm-unittest) echo helm-unittest ;;
    kubeconform) echo kubeconform ;;
    k8s-schemas | kubernetes-schemas) echo k8s-schemas ;;
    tilt) echo tilt ;;
    etcd | kube-apiserver | kubectl | kube-controller-manager | kube-scheduler | kube-proxy | kubelet | coredns | kube-router) echo "$1" ;;
    *) return 1 ;;
  esac
}

# Everything that determines a tool's build output. Stored in the stamp file; a
# mismatch means "not built" and triggers a rebuild.
tool_key() {
  local t="$1" extra=""
  case "$t" in
    otelcol) extra="manifest=$(sha256sum "$REPO_ROOT/collector/builder.yaml" | cut -d' ' -f1)" ;;
    jaeger) extra="release=$JAEGER_RELEASE" ;;
    prometheus) extra="module=v$PROMETHEUS_MODULE_VERSION" ;;
    k8s-schemas) extra="kubernetes-validate=$KUBERNETES_VALIDATE_VERSION" ;;
    kube-router) ;; # not part of k8s.io/kubernetes (the kube-* case below)
    kube-* | kubectl | kubelet) extra="staging=v$K8S_STAGING_VERSION" ;;
  esac
  echo "tool=$t version=$(tool_version "$t") recipe=$TOOLS_RECIPE_REV $extra"
}

STAMP_NAME=.tracing-demo-tool-stamp

# Marker left by build.sh when an optional tool (tilt) was skipped; holds the reason.
skip_file() { echo "$(tool_dir "$1").skipped"; }

# True when the tool is completely built for the pinned version.
tool_is_built() {
  local t="$1" d b
  d="$(tool_dir "$t")"
  [ -f "$d/$STAMP_NAME" ] || return 1
  [ "$(cat "$d/$STAMP_NAME")" = "$(tool_key "$t")" ] || return 1
  for b in $(tool_bins "$t"); do
    [ -x "$d/bin/$b" ] || return 1
  done
  return 0
}
