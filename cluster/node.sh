# shellcheck shell=bash disable=SC2154 # BIN_<component>, API, PKI, ... come from up.sh
# Sourced by cluster/up.sh in node mode (CLUSTER_COMPONENTS=node), inside the node's network
# namespace, once the control plane is ready: containerd (Debian's, CRI), the pause image,
# the bridge CNI, the kubelet (cgroup v1, cgroupfs) and kube-proxy (iptables mode); with
# CLUSTER_NETWORK_POLICY=kube-router also kube-router as the NetworkPolicy controller.
# Uses up.sh's functions and variables (start, wait_ready, https_ok, PKI, ...).

CTRD="$CLUSTER_DIR/containerd"
CTRD_SOCK="$CTRD/containerd.sock"
CNI_DIR="$CLUSTER_DIR/cni"
PAUSE_IMAGE=tracing-demo.local/pause:1
mkdir -p "$CTRD" "$CNI_DIR" "$CLUSTER_DIR/images" "$CLUSTER_DIR/kubelet"

# Images: no registry is reachable, so every image the cluster itself needs is built here from
# a static binary (FROM scratch) by podman and imported into containerd's k8s.io namespace.
# The ulimits: this machine's root cannot raise rlimits (no CAP_SYS_RESOURCE).
# image NAME:TAG DIR: DIR holds a Containerfile; the image ends up in $CLUSTER_DIR/images/NAME.tar.
image() {
  local tar
  tar="$CLUSTER_DIR/images/$(basename "${1%%:*}").tar"
  podman build -q --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 -t "$1" "$2" >/dev/null
  podman save -q --format oci-archive -o "$tar" "$1"
}

# --- the pause image: a static pause built here.
log "building the pause image $PAUSE_IMAGE (gcc -static + podman)"
img="$CLUSTER_DIR/images/pause"
mkdir -p "$img"
cat >"$img/pause.c" <<'EOF'
/* The pod sandbox's process: sleeps, reaps children, exits on INT/TERM. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void bye(int s) { (void)s; _exit(0); }
static void reap(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  signal(SIGINT, bye);
  signal(SIGTERM, bye);
  signal(SIGCHLD, reap);
  for (;;) pause();
}
EOF
gcc -static -O2 -o "$img/pause" "$img/pause.c"
printf 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n' >"$img/Containerfile"
image "$PAUSE_IMAGE" "$img"

# --- CoreDNS (built by make cluster-tools) and busybox (Debian's busybox-static: sh, wget,
# nslookup, httpd) for the cluster's own checks.
COREDNS_IMAGE="tracing-demo.local/coredns:v$(sed -n "s/^COREDNS_VERSION=//p" "$REPO_ROOT/tools/versions.env")"
BUSYBOX_IMAGE=tracing-demo.local/busybox:1
mkdir -p "$CLUSTER_DIR/images/coredns" "$CLUSTER_DIR/images/busybox/bin"
cp "$(cluster_tool coredns)" "$CLUSTER_DIR/images/coredns/coredns"
printf 'FROM scratch\nCOPY coredns /coredns\nENTRYPOINT ["/coredns"]\n' >"$CLUSTER_DIR/images/coredns/Containerfile"
image "$COREDNS_IMAGE" "$CLUSTER_DIR/images/coredns"
cp /bin/busybox "$CLUSTER_DIR/images/busybox/bin/busybox"
for applet in sh wget nslookup httpd sleep cat echo ls mkdir; do ln -sf busybox "$CLUSTER_DIR/images/busybox/bin/$applet"; done
printf 'FROM scratch\nCOPY bin /bin\nENTRYPOINT ["/bin/sh"]\n' >"$CLUSTER_DIR/images/busybox/Containerfile"
image "$BUSYBOX_IMAGE" "$CLUSTER_DIR/images/busybox"

# --- containerd, all state below $CTRD.
cat >"$CTRD/config.toml" <<EOF
version = 2
root = "$CTRD/root"
state = "$CTRD/state"
[grpc]
  address = "$CTRD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  # Root lacks CAP_SYS_RESOURCE here: never ask for an oom_score_adj below containerd's own.
  restrict_oom_score_adj = true
  sandbox_image = "$PAUSE_IMAGE"
  # Per-registry settings (hosts.toml): the local registry of CLUSTER_REGISTRY=local, plain HTTP.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CTRD/certs.d"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CNI_DIR"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
EOF
cat >"$CNI_DIR/10-tracing-demo.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "tracing-demo", "plugins": [
  {"type": "bridge", "bridge": "tdcbr0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$CNI_DIR/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "loopback"}
]}
EOF
mkdir -p "$CTRD/certs.d"
if [ "$CLUSTER_REGISTRY" = local ]; then
  mkdir -p "$CTRD/certs.d/localhost:$REGISTRY_PORT"
  cat >"$CTRD/certs.d/localhost:$REGISTRY_PORT/hosts.toml" <<EOF
server = "http://localhost:$REGISTRY_PORT"
[host."http://localhost:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
EOF
fi
log "starting containerd ($CTRD_SOCK)"
start containerd "$BIN_containerd" --config "$CTRD/config.toml"
ctr_() { ctr --address "$CTRD_SOCK" --namespace k8s.io "$@"; }
wait_ready containerd 60 ctr_ version
for tar in "$CLUSTER_DIR"/images/*.tar; do ctr_ images import "$tar" >/dev/null; done

# --- kubelet
cat >"$CLUSTER_DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroups v1 (hybrid), no systemd: Kubernetes 1.35 refuses v1 unless told.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CTRD_SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
address: $NODE_IP
healthzBindAddress: 127.0.0.1
clusterDomain: cluster.local
clusterDNS: [${KUBERNETES_SVC_IP%.*}.10]
failSwapOn: false
resolvConf: /etc/resolv.conf
# A shared build machine: no evictions or image GC because its disk is fuller than a node's.
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
makeIPTablesUtilChains: false
EOF
log "starting kubelet (node $NODE_NAME at $NODE_IP)"
start kubelet "$BIN_kubelet" --config "$CLUSTER_DIR/kubelet/config.yaml" \
  --kubeconfig "$CLUSTER_DIR/kubelet.kubeconfig" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
  --root-dir "$CLUSTER_DIR/kubelet/root" --cert-dir "$CLUSTER_DIR/kubelet/pki" --v=1
node_ready() {
  https_ok "$API/api/v1/nodes/$NODE_NAME" |
    python3 -c 'import json,sys; c=json.load(sys.stdin)["status"]["conditions"]; sys.exit(0 if any(x["type"]=="Ready" and x["status"]=="True" for x in c) else 1)'
}
wait_ready kubelet 120 node_ready

# --- kube-proxy, iptables mode (its rules live in the node's namespace only)
cat >"$CLUSTER_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $CLUSTER_DIR/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
bindAddress: $NODE_IP
nodePortAddresses: [primary]
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# No CAP_SYS_RESOURCE: keep the oom score, and leave the conntrack table size alone.
oomScoreAdj: 0
conntrack: {maxPerCore: 0}
EOF
log "starting kube-proxy (iptables)"
start kube-proxy "$BIN_kube_proxy" --config "$CLUSTER_DIR/kube-proxy.yaml" --v=1
wait_ready kube-proxy 60 curl -fsS --max-time 5 http://127.0.0.1:10256/healthz

# --- kube-router as the NetworkPolicy controller only (CLUSTER_NETWORK_POLICY=kube-router): no
# routing, no service proxy. Its chains (KUBE-ROUTER-*, KUBE-POD-FW-*, KUBE-NWPLCY-*) and ipsets
# live in the node's namespace, in front of kube-proxy's; the first full sync is the gate.
if [ "$CLUSTER_NETWORK_POLICY" = kube-router ]; then
  cert kube-router "/CN=tracing-demo:kube-router" clientAuth
  chmod 0600 "$PKI/kube-router.key"
  kubeconfig "$CLUSTER_DIR/kube-router.kubeconfig" kube-router
  KUBECONFIG="$KUBECONFIG_ADMIN" "$(cluster_tool kubectl)" apply -f "$CLUSTER_SRC_DIR/kube-router.yaml" >/dev/null
  log "starting kube-router (NetworkPolicy controller only)"
  start kube-router "$BIN_kube_router" --kubeconfig "$CLUSTER_DIR/kube-router.kubeconfig" \
    --hostname-override "$NODE_NAME" --run-firewall=true --run-router=false --run-service-proxy=false \
    --service-cluster-ip-range "$SERVICE_CIDR" --health-port 20244 --metrics-port 0 --v=1
  wait_ready kube-router 60 grep -q 'sync iptables took' "$LOGS/kube-router.log"
fi

# --- CoreDNS as the cluster's DNS (Service 10.96.0.10), like kubeadm's, with the local image.
DNS_IP="${KUBERNETES_SVC_IP%.*}.10"
log "deploying CoreDNS ($DNS_IP)"
sed -e "s|@IMAGE@|$COREDNS_IMAGE|" -e "s|@DNS_IP@|$DNS_IP|" "$CLUSTER_SRC_DIR/coredns.yaml" >"$CLUSTER_DIR/coredns.yaml"
KUBECONFIG="$KUBECONFIG_ADMIN" "$(cluster_tool kubectl)" apply -f "$CLUSTER_DIR/coredns.yaml" >/dev/null
coredns_ready() {
  https_ok "$API/apis/apps/v1/namespaces/kube-system/deployments/coredns" |
    python3 -c 'import json,sys; s=json.load(sys.stdin).get("status",{}); sys.exit(0 if s.get("readyReplicas",0)>=1 else 1)'
}
t0=$SECONDS
until coredns_ready >/dev/null 2>&1; do
  [ $((SECONDS - t0)) -lt 120 ] || die "CoreDNS is not ready after 120s (kubectl -n kube-system describe pods -l k8s-app=kube-dns)"
  sleep 1
done
log "CoreDNS ready ($((SECONDS - t0))s)"

# --- the local registry (CLUSTER_REGISTRY=local): the distribution registry on the node's
# loopback, its storage in the cluster dir, advertised to Tilt and other tools by KEP-1755.
if [ "$CLUSTER_REGISTRY" = local ]; then
  mkdir -p "$CLUSTER_DIR/registry"
  cat >"$CLUSTER_DIR/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $CLUSTER_DIR/registry/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$REGISTRY_PORT
EOF
  log "starting the local registry (localhost:$REGISTRY_PORT)"
  start docker-registry "$BIN_docker_registry" serve "$CLUSTER_DIR/registry/config.yml"
  wait_ready docker-registry 30 curl -fsS --max-time 5 "http://127.0.0.1:$REGISTRY_PORT/v2/"
  cat >"$CLUSTER_DIR/registry/local-registry-hosting.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REGISTRY_PORT"
    hostFromContainerRuntime: "localhost:$REGISTRY_PORT"
    help: "https://github.com/kubernetes/enhancements/tree/master/keps/sig-cluster-lifecycle/generic/1755-communicating-a-local-registry"
EOF
  KUBECONFIG="$KUBECONFIG_ADMIN" "$(cluster_tool kubectl)" apply -f "$CLUSTER_DIR/registry/local-registry-hosting.yaml" >/dev/null
fi
