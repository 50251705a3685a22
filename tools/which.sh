#!/usr/bin/env bash
# Print the absolute path of a pinned tool binary built by tools/build.sh.
#
#   tools/which.sh NAME     NAME: otelcol jaeger prometheus promtool helm untt kubeconform
#                                 tilt ocb k8s-schemas (prints the schema dir)
#   tools/which.sh --env    print `export` lines for a shell: eval "$(tools/which.sh --env)"
#   tools/which.sh --dir    print the cache root
#
# Exits non-zero (with a hint to run 'make tools') when NAME is not built for the
# version pinned in tools/versions.env.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

print_env() {
  local t d path="" missing=()
  for t in "${ALL_TOOLS[@]}"; do
    d="$(tool_dir "$t")"
    tool_is_built "$t" || missing+=("$t")
    [ -n "$(tool_bins "$t")" ] && path="${path:+$path:}$d/bin"
  done
  echo "export TRACING_DEMO_TOOLS_DIR=$(q "$TOOLS_DIR")"
  echo "export PATH=$(q "$path")\":\$PATH\""
  echo "export KUBECONFORM_SCHEMA_LOCATION=$(q "$(tool_dir k8s-schemas)")"
  echo "export KUBERNETES_VERSION=$(q "$KUBERNETES_SCHEMA_VERSION")"
  if [ "${#missing[@]}" -gt 0 ]; then
    log "warning: not built: ${missing[*]} - run 'make tools'"
  fi
}

[ $# -eq 1 ] || usage
case "$1" in
  -h | --help) usage ;;
  --env) print_env; exit 0 ;;
  --dir) echo "$TOOLS_DIR"; exit 0 ;;
esac

name="$1"
tool="$(tool_of_bin "$name")" || {
  echo "tools/which.sh: unknown tool '$name'" >&2
  exit 2
}
if ! tool_is_built "$tool"; then
  echo "tools/which.sh: $name ($tool v$(tool_version "$tool")) is not built in $TOOLS_DIR; run 'make tools' (or: bash tools/build.sh $tool)" >&2
  exit 1
fi
case "$name" in
  k8s-schemas | kubernetes-schemas) tool_dir "$tool" ;;
  helm-unittest) echo "$(tool_dir "$tool")/bin/untt" ;;
  builder) echo "$(tool_dir "$tool")/bin/ocb" ;;
  *) echo "$(tool_dir "$tool")/bin/$name" ;;
esac
