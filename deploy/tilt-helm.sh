#!/usr/bin/env bash
# The release resource of the Tiltfile (k8s_custom_deploy): what tilt-extensions' helm_resource
# does, without fetching it.
#   apply:  deploy/tilt-helm.sh apply CONTEXT RELEASE NAMESPACE CHART KEY... -- HELM FLAG...
#           helm upgrade --install with the images Tilt built: $TILT_IMAGE_<i> (the reference the
#           cluster pulls) becomes KEY<i>.repository and KEY<i>.tag. Prints the release's objects
#           as YAML, which is how Tilt finds its pods (logs, readiness, Live Update).
#   delete: deploy/tilt-helm.sh delete CONTEXT RELEASE NAMESPACE (tilt down): the release, and
#           the Job `helm test` leaves
# CONTEXT is the kube-context Tilt runs against; helm and kubectl come from PATH.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 apply|delete CONTEXT RELEASE NAMESPACE [CHART KEY... -- FLAG...]" >&2; exit 2; }
action="$1" context="$2" release="$3" namespace="$4"
shift 4
helm_=(helm --namespace "$namespace")
kubectl_=(kubectl --namespace "$namespace")
if [ -n "$context" ]; then
  helm_+=(--kube-context "$context")
  kubectl_+=(--context "$context")
fi

case "$action" in
  apply)
    chart="$1"
    shift
    sets=()
    i=0
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
      var="TILT_IMAGE_$i"
      ref="${!var:?$var is not set: run by Tilt with one image_deps entry per key}"
      # repository:tag, where a registry host may carry a port of its own.
      sets+=(--set "$1.repository=${ref%:*}" --set "$1.tag=${ref##*:}")
      i=$((i + 1))
      shift
    done
    [ $# -eq 0 ] || shift
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    echo "helm upgrade --install $release $chart --namespace $namespace $* (+ $i images)" >&2
    "${helm_[@]}" upgrade --install "$release" "$chart" "$@" "${sets[@]}" >&2
    "${helm_[@]}" get manifest "$release" | "${kubectl_[@]}" get -o yaml -f -
    ;;
  delete)
    "${helm_[@]}" uninstall "$release" --wait
    # helm uninstall leaves the Job of the last `helm test` (a test hook): it goes too.
    "${kubectl_[@]}" delete jobs --selector "app.kubernetes.io/instance=$release" \
      --ignore-not-found --cascade=foreground --wait
    ;;
  *) echo "$0: apply or delete, not '$action'" >&2; exit 2 ;;
esac
