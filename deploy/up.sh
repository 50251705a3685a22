#!/usr/bin/env bash
# `make up`: the kind cluster (deploy/kind-config.yaml), every service image built and loaded
# into it, and the chart installed with deploy/dev-values.yaml; then where everything is.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools "make up" docker kind kubectl helm
CHART="$REPO_ROOT/charts/tracing-demo"
[ -f "$CHART/Chart.yaml" ] || die "no chart at $CHART"
helm="$(tool_bin helm)"

ensure_cluster
bash "$DEPLOY_DIR/images.sh"

image_flags=()
while read -r key image tag; do
  log "loading $image:$tag into kind cluster $CLUSTER_NAME"
  kind load docker-image --name "$CLUSTER_NAME" "$image:$tag"
  image_flags+=(--set "$key.image.repository=$image" --set "$key.image.tag=$tag")
done <"$IMAGES_ENV"

log "helm upgrade --install $RELEASE (namespace $NAMESPACE)"
"$helm" upgrade --install "$RELEASE" "$CHART" \
  --kube-context "kind-$CLUSTER_NAME" --namespace "$NAMESPACE" --create-namespace \
  --values "$DEPLOY_DIR/dev-values.yaml" "${image_flags[@]}" \
  --wait --timeout 10m

# The platform's client edge: the service with `exposure: public`.
read -r gateway gateway_port _ < <(awk '$3 == "public"' <<<"$(services)") ||
  die "services/services.yaml has no service with exposure: public"
forward="kubectl --context kind-$CLUSTER_NAME --namespace $NAMESPACE port-forward"
cat <<TEXT

tracing-demo is running in kind cluster $CLUSTER_NAME, namespace $NAMESPACE.

  gateway   $forward service/$RELEASE-$gateway 8080:$gateway_port
            then: curl -s http://localhost:8080/healthz
  Grafana   $forward service/$RELEASE-grafana 3300:3000
            then: http://localhost:3300
  Jaeger    $forward service/$RELEASE-jaeger 16696:16686
            then: http://localhost:16696 (search, traces, the Monitor tab)
  verify    $helm test $RELEASE --kube-context kind-$CLUSTER_NAME --namespace $NAMESPACE
            its report: kubectl --context kind-$CLUSTER_NAME --namespace $NAMESPACE logs job/$RELEASE-verify
  iterate   make dev     (Tilt: live updates on save, these port forwards included)
  remove    make down    (deletes the cluster)
TEXT
