# Make fragment for the root Makefile (include cluster/cluster.mk): a real single-node
# Kubernetes control plane on this machine, as a test harness (cluster/README.md). Nothing
# here is part of `make tools` / `make test`: the Kubernetes programs are a separate tool group.

CLUSTER_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# Go builds of the cluster tools share the machine: TOOLS_GO_P=1 (go build -p=1) and nice.
CLUSTER_TOOLS_NICE ?= nice -n 19
TOOLS_GO_P ?= 1

.PHONY: cluster-tools cluster-up cluster-down test-cluster test-tilt

cluster-tools: ## build etcd, kube-apiserver, kubectl, … coredns into the tools cache (cold: ~29 min)
	TOOLS_GO_P=$(TOOLS_GO_P) $(CLUSTER_TOOLS_NICE) bash tools/build.sh cluster

cluster-up: ## control plane on loopback (CLUSTER_COMPONENTS=node: + containerd, kubelet, kube-proxy, CoreDNS)
	@bash $(CLUSTER_MK_DIR)/up.sh

cluster-down: ## stop everything cluster-up started and remove its state directory
	@bash $(CLUSTER_MK_DIR)/down.sh

test-cluster: node_modules/.package-lock.json ## test/cluster: the chart on a real API server, pods on a real node (root)
	TOOLS_GO_P=$(TOOLS_GO_P) $(CLUSTER_TOOLS_NICE) bash tools/build.sh cluster helm
	$(NPM) run build
	$(NPM) exec -- vitest run --config vitest.cluster.config.ts

test-tilt: node_modules/.package-lock.json ## test/cluster/tilt: tilt ci/up/down on the node cluster with a local registry, podman builds (root)
	TOOLS_GO_P=$(TOOLS_GO_P) $(CLUSTER_TOOLS_NICE) bash tools/build.sh cluster helm tilt
	$(NPM) run build
	$(NPM) exec -- vitest run --config vitest.tilt.config.ts
