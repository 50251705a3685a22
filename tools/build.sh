#!/usr/bin/env bash
# Build the real backend programs (OpenTelemetry Collector, Jaeger v2, Prometheus,
# promtool, Helm + helm-unittest, kubeconform + offline schemas, Tilt) from their
# Go modules into a cache keyed by version:
#
#   ${TRACING_DEMO_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tracing-demo/tools}/<name>-v<version>/bin/
#
# Usage: tools/build.sh [tool...]       tools: ocb otelcol jaeger prometheus
#                                       helm-unittest helm k8s-schemas kubeconform tilt
#        tools/build.sh cluster         the local test cluster's programs, never built by default:
#                                       etcd kube-apiserver kubectl kube-controller-manager
#                                       kube-scheduler kube-proxy kubelet coredns kube-router
#                                       (cluster/README.md)
#        TOOLS_UPDATE_LOCKS=1 tools/build.sh [tool...]
#            re-resolve and rewrite tools/locks/<tool>.go.sum (trust on first use)
#
# Idempotent: a tool whose cache dir has the finished binaries and a matching stamp
# is skipped. Builds go to a temporary dir that is renamed into place only when
# complete, so an interrupted build is never taken for a finished one.
# shellcheck disable=SC2317 # recipes are called indirectly as "build_$tool"
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOCKS_DIR="$TOOLS_SRC_DIR/locks"
UPDATE_LOCKS="${TOOLS_UPDATE_LOCKS:-0}"

# ---------------------------------------------------------------- preflight

check_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed (need go >= $GO_MIN_VERSION on PATH): see https://go.dev/doc/install"
  local have
  have="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)"
  have="${have#go}"
  have="${have%%[ -]*}"
  [ -n "$have" ] || die "cannot determine the Go version ('go env GOVERSION' failed)"
  if [ "$(printf '%s\n%s\n' "$GO_MIN_VERSION" "$have" | sort -V | head -n1)" != "$GO_MIN_VERSION" ]; then
    die "Go $have is too old: these tools need go >= $GO_MIN_VERSION (tools/versions.env GO_MIN_VERSION)"
  fi
}

check_manifest() {
  local f="$REPO_ROOT/collector/builder.yaml" bad ver_re="${OTELCOL_VERSION//./\\.}"
  [ -f "$f" ] || die "missing $f (the OCB manifest)"
  grep -Eq "^[[:space:]]+version:[[:space:]]*\"?${ver_re}\"?[[:space:]]*$" "$f" ||
    die "collector/builder.yaml dist.version is not $OTELCOL_VERSION (OTELCOL_VERSION in tools/versions.env)"
  bad="$(grep -E '^[[:space:]]*-[[:space:]]*gomod:' "$f" | grep -Ev " v${ver_re}[[:space:]]*$" || true)"
  [ -z "$bad" ] || die "collector/builder.yaml has components not at v$OTELCOL_VERSION:
$bad"
}

# ---------------------------------------------------------------- go env

# Shared module/build caches (Go defaults unless the caller sets them); never
# download a different Go toolchain; static binaries where possible.
export GOTOOLCHAIN=local GOWORK=off GO111MODULE=on CGO_ENABLED="${CGO_ENABLED:-0}"
export GOFLAGS=-trimpath
GO_LDFLAGS_BASE='-s -w'
if [ "$UPDATE_LOCKS" = 1 ]; then
  # The module proxy reachable here does not serve checksum-database entries for
  # every module, so new lock files are recorded trust-on-first-use from the proxy.
  export GOSUMDB=off
fi

goproxy_base() {
  local p
  IFS=',|' read -r -a _proxies <<<"$(go env GOPROXY)"
  for p in "${_proxies[@]}"; do
    case "$p" in direct | off | "") ;; *) echo "${p%/}"; return 0 ;; esac
  done
  die "GOPROXY ($(go env GOPROXY)) has no module proxy; one is needed to read go.mod files"
}

# seed_lock TOOL DIR: copy the committed go.sum lock into a module dir.
seed_lock() {
  local lock="$LOCKS_DIR/$1.go.sum"
  if [ "$UPDATE_LOCKS" != 1 ] && [ -f "$lock" ]; then
    cp "$lock" "$2/go.sum"
  fi
}

# save_lock TOOL DIR: in update mode, store the module dir's go.sum as the lock.
save_lock() {
  if [ "$UPDATE_LOCKS" = 1 ]; then
    mkdir -p "$LOCKS_DIR"
    cp "$2/go.sum" "$LOCKS_DIR/$1.go.sum"
    log "$1: wrote tools/locks/$1.go.sum"
  fi
}

lock_hint() {
  log "$1: build failed. If a checksum lookup failed (e.g. 'verifying ...: 404'), the"
  log "  lock tools/locks/$1.go.sum is missing or stale: refresh it with"
  log "  TOOLS_UPDATE_LOCKS=1 tools/build.sh $1   (then review and commit it)"
}

# build_wrapped TOOL MODULE MODVERSION OUTDIR LDFLAGS PKG...
# Modules with replace/exclude directives cannot be built with `go install m@v`.
# Generate a throwaway wrapper module that requires MODULE@MODVERSION and repeats
# its replace/exclude directives (read from the proxy's .mod file), then build.
build_wrapped() {
  local tool="$1" mod="$2" ver="$3" out="$4" ldflags="$5"
  shift 5
  local w="$WORK/wrap-$tool" p pkgs=()
  mkdir -p "$w"
  curl -fsSL --retry 3 "$(goproxy_base)/$mod/@v/$ver.mod" -o "$w/upstream.mod" ||
    die "$tool: cannot fetch $mod@$ver go.mod from the module proxy"
  python3 - "$mod" "$ver" "$w/upstream.mod" "$GO_MIN_VERSION" >"$w/go.mod" <<'PY'
import re, sys
mod, ver, path, gover = sys.argv[1:5]
out = ["// generated by tools/build.sh; never committed", "module tracing-demo.local/toolwrap", "",
       "go %s" % gover, "", "require %s %s" % (mod, ver), ""]
lines = open(path).read().splitlines()
strip = lambda s: re.sub(r"//.*", "", s).strip()
local = re.compile(r"=>\s*\.{0,2}/")  # replacements by local path only exist in the upstream repo
i = 0
while i < len(lines):
    l = strip(lines[i])
    m = re.match(r"^(replace|exclude)\s*\($", l)
    if m:
        i += 1
        while i < len(lines) and strip(lines[i]) != ")":
            e = strip(lines[i])
            if e and not local.search(e):
                out.append("%s %s" % (m.group(1), e))
            i += 1
    elif re.match(r"^(replace|exclude)\s", l) and not local.search(l):
        out.append(l)
    i += 1
print("\n".join(out))
PY
  seed_lock "$tool" "$w"
  for p in "$@"; do pkgs+=("$mod/$p"); done
  if ! (cd "$w" && GOFLAGS="-trimpath -mod=mod" go get "${pkgs[@]/%/@$ver}" &&
    GOFLAGS="-trimpath -mod=mod" go build -ldflags="$ldflags" -o "$out/" "${pkgs[@]}"); then
    lock_hint "$tool"
    return 1
  fi
  save_lock "$tool" "$w"
}

# ---------------------------------------------------------------- recipes
# Each recipe gets the temporary tool dir in $1 and must fill $1/bin.

build_ocb() {
  GOBIN="$1/bin" go install -ldflags="$GO_LDFLAGS_BASE" \
    "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION"
  mv "$1/bin/builder" "$1/bin/ocb"
}

build_otelcol() {
  local ocb src="$WORK/otelcol-src"
  ocb="$(tool_dir ocb)/bin/ocb"
  [ -x "$ocb" ] || die "otelcol: OCB is not built"
  mkdir -p "$src"
  # Same manifest, output into the temp dir (output_path is relative otherwise).
  sed -E "s#^([[:space:]]+output_path:).*#\1 $src#" "$REPO_ROOT/collector/builder.yaml" >"$WORK/builder.yaml"
  seed_lock otelcol "$src"
  if ! "$ocb" --config "$WORK/builder.yaml" --ldflags="$GO_LDFLAGS_BASE" >"$WORK/ocb.log" 2>&1; then
    grep -v 'go: downloading' "$WORK/ocb.log" | tail -n 30 >&2
    lock_hint otelcol
    return 1
  fi
  save_lock otelcol "$src"
  mkdir -p "$1/bin"
  mv "$src/otelcol" "$1/bin/otelcol"
}

build_jaeger() {
  local jv=github.com/jaegertracing/jaeger/internal/version
  build_wrapped jaeger github.com/jaegertracing/jaeger "v$JAEGER_VERSION" "$1/bin" \
    "$GO_LDFLAGS_BASE -X $jv.latestVersion=v$JAEGER_RELEASE -X $jv.commitSHA=v$JAEGER_VERSION -X $jv.date=module" \
    cmd/jaeger
}

build_prometheus() {
  local pv=github.com/prometheus/common/version
  build_wrapped prometheus github.com/prometheus/prometheus "v$PROMETHEUS_MODULE_VERSION" "$1/bin" \
    "$GO_LDFLAGS_BASE -X $pv.Version=$PROMETHEUS_VERSION -X $pv.Revision=v$PROMETHEUS_MODULE_VERSION -X $pv.Branch=HEAD -X $pv.BuildUser=tracing-demo-tools" \
    cmd/prometheus cmd/promtool
}

build_helm-unittest() {
  local plug="$1/plugins/unittest"
  mkdir -p "$plug" "$1/bin"
  build_wrapped helm-unittest github.com/helm-unittest/helm-unittest "v$HELM_UNITTEST_VERSION" "$plug" \
    "$GO_LDFLAGS_BASE -X github.com/helm-unittest/helm-unittest/internal/build.version=$HELM_UNITTEST_VERSION" \
    cmd/helm-unittest
  mv "$plug/helm-unittest" "$plug/untt"
  # Legacy (Helm 3 style) plugin manifest, accepted by Helm 4: runs the local
  # binary, no install/update hooks (nothing is downloaded).
  cat >"$plug/plugin.yaml" <<EOF
name: "unittest"
version: "$HELM_UNITTEST_VERSION"
usage: "unittest for helm charts"
description: "Unit test for helm chart in YAML (built from source by tracing-demo tools/build.sh)."
ignoreFlags: false
platformCommand:
  - command: "\$HELM_PLUGIN_DIR/untt"
EOF
  ln -s ../plugins/unittest/untt "$1/bin/untt"
}

build_helm() {
  mkdir -p "$1/libexec"
  GOBIN="$1/libexec" go install \
    -ldflags="$GO_LDFLAGS_BASE -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"
  write_wrapper helm "$1"
}

build_k8s-schemas() {
  local k="v$KUBERNETES_SCHEMA_VERSION"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check \
    -d "$WORK/pip" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" ||
    die "k8s-schemas: pip download kubernetes-validate==$KUBERNETES_VALIDATE_VERSION failed"
  mkdir -p "$1/bin"
  python3 - "$WORK"/pip/kubernetes_validate-*.whl "$k" "$1" <<'PY'
# Lay the schemas out as kubeconform expects (<dir>/<ver>-standalone[-strict]/<kind>-<group>-<version>.json)
# and make every $ref resolvable offline: refs point at "/api/_definitions.json" relative
# to an https "$id"; drop the $id and point refs at the sibling file instead.
import json, os, re, sys, zipfile
whl, k, out = sys.argv[1:4]
z = zipfile.ZipFile(whl)
n = 0
for src_suffix, dst_suffix in (("-local", "-standalone"), ("-local-strict", "-standalone-strict")):
    prefix = "kubernetes_validate/kubernetes-json-schema/%s%s/" % (k, src_suffix)
    names = [x for x in z.namelist() if x.startswith(prefix) and x.endswith(".json")]
    if not names:
        sys.exit("no schemas for %s in %s" % (k, os.path.basename(whl)))
    dst = os.path.join(out, k + dst_suffix)
    os.makedirs(dst, exist_ok=True)
    for name in names:
        doc = json.loads(z.read(name))
        doc.pop("$id", None)
        text = json.dumps(doc, separators=(",", ":"))
        text = text.replace('"$ref":"/api/_definitions.json#', '"$ref":"_definitions.json#')
        if "/api/" in re.sub(r'"description":"(?:[^"\\]|\\.)*"', "", text) and '"$ref":"/' in text:
            sys.exit("unexpected absolute $ref left in " + name)
        with open(os.path.join(dst, os.path.basename(name)), "w") as f:
            f.write(text)
        n += 1
print("[tools] k8s-schemas: %d schema files for Kubernetes %s" % (n, k), file=sys.stderr)
PY
}

build_kubeconform() {
  mkdir -p "$1/libexec"
  GOBIN="$1/libexec" go install -ldflags="$GO_LDFLAGS_BASE -X main.version=v$KUBECONFORM_VERSION" \
    "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION"
  write_wrapper kubeconform "$1"
}

build_tilt() {
  # Tilt needs cgo: its Tiltfile language support links tree-sitter (C).
  CGO_ENABLED=1 build_wrapped tilt github.com/tilt-dev/tilt "v$TILT_VERSION" "$1/bin" \
    "$GO_LDFLAGS_BASE -X main.version=$TILT_VERSION" cmd/tilt
}

# ---------------------------------------------------------------- cluster tools
# The local Kubernetes test cluster (cluster/README.md). Not in ALL_TOOLS: only
# `tools/build.sh cluster` (make cluster-tools) or naming them builds them.
# TOOLS_GO_P=N limits go build's parallelism (-p=N) on a shared machine.

# build_wrapped_local TOOL MODULE MODVERSION LOCALVERSION OUTDIR LDFLAGS PKG...
# Like build_wrapped, but every replacement by LOCAL path in the upstream go.mod
# (k8s.io/kubernetes' ./staging/src/k8s.io/*, etcd's ../api, ...) becomes the same
# module at LOCALVERSION from the proxy. PKG is a package path below MODULE, ROOT
# (MODULE itself) or "." (a main.go the recipe put in $WORK/wrap-TOOL beforehand).
build_wrapped_local() {
  local tool="$1" mod="$2" ver="$3" lver="$4" out="$5" ldflags="$6"
  shift 6
  local w="$WORK/wrap-$tool" p pkgs=() flags="-trimpath -mod=mod${TOOLS_GO_P:+ -p=$TOOLS_GO_P}"
  mkdir -p "$w"
  curl -fsSL --retry 3 "$(goproxy_base)/$mod/@v/$ver.mod" -o "$w/upstream.mod" ||
    die "$tool: cannot fetch $mod@$ver go.mod from the module proxy"
  python3 - "$mod" "$ver" "$w/upstream.mod" "$GO_MIN_VERSION" "$lver" >"$w/go.mod" <<'PY'
import re, sys
mod, ver, path, gover, lver = sys.argv[1:6]
out = ["// generated by tools/build.sh; never committed", "module tracing-demo.local/toolwrap", "",
       "go %s" % gover, ""]
lines = open(path).read().splitlines()
strip = lambda s: re.sub(r"//.*", "", s).strip()
local = re.compile(r"^(\S+)(\s+\S+)?\s*=>\s*\.{0,2}/")
def entry(kind, e):
    m = local.match(e)
    if kind == "replace" and m and "FORBIDDEN" in e:
        return None  # etcd's "never depend on this module" markers
    if kind == "replace" and m:
        return "replace %s => %s %s" % (m.group(1), m.group(1), lver)
    return "%s %s" % (kind, e)
for l in lines:
    m = re.match(r"^godebug\s+(.*)$", strip(l))
    if m:
        out.append("godebug " + m.group(1))
out += ["", "require %s %s" % (mod, ver), ""]
i = 0
while i < len(lines):
    l = strip(lines[i])
    m = re.match(r"^(replace|exclude)\s*\($", l)
    if m:
        i += 1
        while i < len(lines) and strip(lines[i]) != ")":
            e = strip(lines[i])
            if e and entry(m.group(1), e):
                out.append(entry(m.group(1), e))
            i += 1
    else:
        m = re.match(r"^(replace|exclude)\s+(.*)$", l)
        if m and entry(m.group(1), m.group(2)):
            out.append(entry(m.group(1), m.group(2)))
    i += 1
print("\n".join(out))
PY
  seed_lock "$tool" "$w"
  for p in "$@"; do
    case "$p" in .) pkgs+=(.) ;; ROOT) pkgs+=("$mod") ;; *) pkgs+=("$mod/$p") ;; esac
  done
  if ! (cd "$w" && GOFLAGS="$flags" go get "$mod@$ver" &&
    GOFLAGS="$flags" go build -ldflags="$ldflags" -o "$out/" "${pkgs[@]}"); then
    lock_hint "$tool"
    return 1
  fi
  save_lock "$tool" "$w"
}

build_etcd() {
  # go.etcd.io/etcd/server/v3 has no main package (the etcd command is in the
  # go.etcd.io/etcd/v3 root module): a tiny main calling etcdmain.Main, like etcd's own.
  local w="$WORK/wrap-etcd"
  mkdir -p "$w" "$1/bin"
  printf '%s\n' '// generated by tools/build.sh: the etcd server command' 'package main' '' \
    'import (' '	"os"' '' '	"go.etcd.io/etcd/server/v3/etcdmain"' ')' '' \
    'func main() { etcdmain.Main(os.Args) }' >"$w/main.go"
  build_wrapped_local etcd go.etcd.io/etcd/server/v3 "v$ETCD_VERSION" "v$ETCD_VERSION" "$WORK/out" \
    "$GO_LDFLAGS_BASE" .
  mv "$WORK/out/toolwrap" "$1/bin/etcd"
}

# One recipe for every Kubernetes component: cmd/<name> of k8s.io/kubernetes, with the
# version stamped the way hack/lib/version.sh does (kubectl version, /version, kubelet --version).
build_k8s_component() {
  local name="$1" out="$2" cv=k8s.io/component-base/version cg=k8s.io/client-go/pkg/version maj min
  maj="${K8S_VERSION%%.*}"
  min="${K8S_VERSION#*.}"
  min="${min%%.*}"
  local x="-X $cv.gitVersion=v$K8S_VERSION -X $cv.gitMajor=$maj -X $cv.gitMinor=$min -X $cv.gitTreeState=clean"
  x="$x -X $cg.gitVersion=v$K8S_VERSION -X $cg.gitMajor=$maj -X $cg.gitMinor=$min -X $cg.gitTreeState=clean"
  # Every component uses the same module graph, so one lock: tools/locks/kubernetes.go.sum.
  build_wrapped_local kubernetes k8s.io/kubernetes "v$K8S_VERSION" "v$K8S_STAGING_VERSION" "$out/bin" \
    "$GO_LDFLAGS_BASE $x" "cmd/$name"
}
build_kube-apiserver() { build_k8s_component kube-apiserver "$1"; }
build_kube-controller-manager() { build_k8s_component kube-controller-manager "$1"; }
build_kube-scheduler() { build_k8s_component kube-scheduler "$1"; }
build_kube-proxy() { build_k8s_component kube-proxy "$1"; }
build_kubelet() { build_k8s_component kubelet "$1"; }
build_kubectl() { build_k8s_component kubectl "$1"; }

build_coredns() {
  build_wrapped_local coredns github.com/coredns/coredns "v$COREDNS_VERSION" "v$COREDNS_VERSION" "$1/bin" \
    "$GO_LDFLAGS_BASE -X github.com/coredns/coredns/coremain.GitCommit=v$COREDNS_VERSION" ROOT
}

# kube-router, run by cluster/node.sh only as the NetworkPolicy controller. Its go.mod has no
# replace directives, but the checksum database is not reachable: a wrapper module + lock.
build_kube-router() {
  local kv=github.com/cloudnativelabs/kube-router/v2/pkg/version
  build_wrapped_local kube-router github.com/cloudnativelabs/kube-router/v2 "v$KUBE_ROUTER_VERSION" \
    "v$KUBE_ROUTER_VERSION" "$1/bin" \
    "$GO_LDFLAGS_BASE -X $kv.Version=v$KUBE_ROUTER_VERSION -X $kv.BuildDate=tracing-demo-tools" cmd/kube-router
}

# ---------------------------------------------------------------- wrappers
# helm and kubeconform are small shell wrappers around the real binary in
# libexec/, so that `$(tools/which.sh helm) unittest ...` and
# `$(tools/which.sh kubeconform) -strict ...` work without extra environment.

write_wrapper() {
  local t="$1" d="$2" f tmp
  f="$d/bin/$t"
  mkdir -p "$d/bin"
  tmp="$(mktemp "$d/bin/.$t.XXXXXX")"
  case "$t" in
    helm)
      cat >"$tmp" <<EOF
#!/bin/sh
# tracing-demo wrapper (tools/build.sh): Helm v$HELM_VERSION with the locally built
# helm-unittest v$HELM_UNITTEST_VERSION plugin. Other plugin dirs in \$HELM_PLUGINS are kept.
HELM_PLUGINS="$(tool_dir helm-unittest)/plugins\${HELM_PLUGINS:+:\$HELM_PLUGINS}"
export HELM_PLUGINS
exec "$(tool_dir helm)/libexec/helm" "\$@"
EOF
      ;;
    kubeconform)
      cat >"$tmp" <<EOF
#!/bin/sh
# tracing-demo wrapper (tools/build.sh): kubeconform v$KUBECONFORM_VERSION validating offline
# against Kubernetes v$KUBERNETES_SCHEMA_VERSION JSON schemas (from kubernetes-validate $KUBERNETES_VALIDATE_VERSION).
# Later -kubernetes-version / extra -schema-location flags still work.
exec "$(tool_dir kubeconform)/libexec/kubeconform" \\
  -schema-location "$(tool_dir k8s-schemas)" \\
  -kubernetes-version "$KUBERNETES_SCHEMA_VERSION" "\$@"
EOF
      ;;
  esac
  chmod 0755 "$tmp"
  if [ -f "$f" ] && cmp -s "$tmp" "$f"; then rm -f "$tmp"; else mv -f "$tmp" "$f"; fi
}

# ---------------------------------------------------------------- driver

build_one() {
  local t="$1" v d tmp start
  v="$(tool_version "$t")"
  d="$(tool_dir "$t")"
  rm -f "$(skip_file "$t")"
  if tool_is_built "$t"; then
    log "$t v$v cached"
    case "$t" in helm | kubeconform) write_wrapper "$t" "$d" ;; esac
    return 0
  fi
  local note="(cold build, several minutes)"
  case "$t" in ocb | kubeconform | k8s-schemas | helm-unittest) note="(cold build, about a minute)" ;; esac
  if [ "$t" = tilt ] && ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
    skip_tool tilt "it needs cgo (tree-sitter) and no C compiler ('${CC:-gcc}') is installed"
    return 0
  fi
  log "building $t v$v $note"
  start=$SECONDS
  rm -rf "$TOOLS_DIR/.build-$t-v"*
  tmp="$TOOLS_DIR/.build-$t-v$v.$$"
  mkdir -p "$tmp"
  WORK="$(mktemp -d "$TOOLS_DIR/.work-$t.XXXXXX")"
  CLEANUP+=("$tmp" "$WORK")
  # The recipe runs in a subshell that is not part of a condition, so `set -e`
  # stays in force inside it. Partial output is removed by the EXIT trap.
  local rc=0
  set +e
  (
    set -e
    "build_$t" "$tmp"
  )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    if is_optional "$t"; then
      skip_tool "$t" "the build failed (exit $rc, see the output above)"
      return 0
    fi
    die "building $t v$v failed (exit $rc); nothing was installed for it"
  fi
  tool_key "$t" >"$tmp/$STAMP_NAME"
  # Replace atomically: the stamp only becomes visible with the finished dir.
  rm -rf "$d.old.$$"
  [ -e "$d" ] && mv "$d" "$d.old.$$"
  mv "$tmp" "$d"
  rm -rf "$d.old.$$" "$WORK"
  # Wrappers embed the final (not temporary) paths.
  case "$t" in helm | kubeconform) write_wrapper "$t" "$d" ;; esac
  tool_is_built "$t" || die "$t v$v: build finished but $d is incomplete"
  log "$t v$v built in $((SECONDS - start))s -> $d"
}

on_exit() {
  local rc=$?
  [ "${#CLEANUP[@]}" -eq 0 ] || rm -rf "${CLEANUP[@]}"
  exit "$rc"
}

# Tools whose failure must not fail `make tools` (the project works without them).
is_optional() { [ "$1" = tilt ]; }

# Record why an optional tool was skipped (tools/check.sh reports it as SKIP).
skip_tool() {
  log "WARNING: skipping $1 v$(tool_version "$1"): $2"
  echo "$2" >"$(skip_file "$1")"
}

main() {
  local t tools=()
  if [ $# -eq 0 ]; then
    tools=("${ALL_TOOLS[@]}")
  else
    # "cluster": the local Kubernetes test cluster's programs (CLUSTER_TOOLS, cluster/).
    local args=()
    for t in "$@"; do
      if [ "$t" = cluster ]; then args+=("${CLUSTER_TOOLS[@]}"); else args+=("$t"); fi
    done
    set -- "${args[@]}"
    for t in "$@"; do
      case "$t" in -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
      tool_version "$t" >/dev/null || die "unknown tool '$t' (known: ${ALL_TOOLS[*]}; cluster = ${CLUSTER_TOOLS[*]})"
    done
    # Keep dependency order; pull in dependencies of named tools.
    for t in "${ALL_TOOLS[@]}" "${CLUSTER_TOOLS[@]}"; do
      case " $* " in
        *" $t "*) tools+=("$t") ;;
        *)
          case "$t" in
            ocb) [[ " $* " == *" otelcol "* ]] && tools+=("$t") ;;
            helm-unittest) [[ " $* " == *" helm "* ]] && tools+=("$t") ;;
            k8s-schemas) [[ " $* " == *" kubeconform "* ]] && tools+=("$t") ;;
          esac
          ;;
      esac
    done
  fi

  check_go
  [[ " ${tools[*]} " == *" otelcol "* ]] && check_manifest
  mkdir -p "$TOOLS_DIR"
  # The cluster tools take a lock of their own, so that a long cold Kubernetes build
  # never makes a concurrent `make tools` wait for it.
  local lock=.build-cluster.lock
  for t in "${tools[@]}"; do
    [[ " ${CLUSTER_TOOLS[*]} " == *" $t "* ]] || lock=.build.lock
  done
  exec 9>"$TOOLS_DIR/$lock"
  if ! flock -n 9; then
    log "another tools/build.sh is running; waiting for it"
    flock 9
  fi
  CLEANUP=()
  trap on_exit EXIT
  local start=$SECONDS
  for t in "${tools[@]}"; do build_one "$t"; done
  log "all done in $((SECONDS - start))s (cache: $TOOLS_DIR)"
}

# One line: bash has parsed it completely before running it, so editing this file
# during a long build cannot make bash read a half-changed script afterwards.
main "$@"; exit
