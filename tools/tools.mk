# Make fragment for the root Makefile:   include tools/tools.mk
#
#   make tools                      build every pinned tool into the cache (idempotent)
#   make tools TOOLS_ONLY="jaeger"   build only the named tools (plus their dependencies)
#   make tools-check                assert every tool runs and reports its pinned version
#
# Binary paths for other targets:  $$(tools/which.sh otelcol)   (see tools/README.md)

# Directory of this file (works with `make -C` and from any include path); must be
# computed before any other include changes MAKEFILE_LIST.
TOOLS_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# The pinned versions as make variables (OTELCOL_VERSION, JAEGER_VERSION, ...).
include $(TOOLS_MK_DIR)/versions.env

TOOLS_ONLY ?=

.PHONY: tools tools-check

tools: ## build the real collector, Jaeger, Prometheus, Helm, … into the cache (idempotent)
	bash $(TOOLS_MK_DIR)/build.sh $(TOOLS_ONLY)

tools-check: ## assert every built tool runs and reports its pinned version
	bash $(TOOLS_MK_DIR)/check.sh
