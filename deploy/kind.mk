# Make fragment for the root Makefile (include deploy/kind.mk): the chart on a local kind
# cluster. The work happens in deploy/*.sh; each script first checks what it needs and names
# every missing tool. Without Docker or a cluster, `make local` runs the platform as processes.

DEPLOY_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

.PHONY: images base-image up down dev

images: ## build the service images and the CLI image of helm test (NODE_IMAGE=…, CONTAINER_ENGINE=…)
	@bash $(DEPLOY_MK_DIR)/images.sh

base-image: ## a Node 24 base image made locally, for machines that reach no container registry
	@bash $(DEPLOY_MK_DIR)/base-image.sh

up: ## kind cluster + images + the chart with deploy/dev-values.yaml; prints the URLs
	@bash $(DEPLOY_MK_DIR)/up.sh

down: ## delete the kind cluster of `make up` / `make dev`
	@bash $(DEPLOY_MK_DIR)/down.sh

dev: ## tilt up on the kind cluster: each saved source file live in its service
	@bash $(DEPLOY_MK_DIR)/dev.sh
