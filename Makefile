# Thin entry points to npm scripts and to the tools/, deploy/ and cluster/ scripts; `make help` lists them.
SHELL := bash
.DEFAULT_GOAL := help
NPM := npm --loglevel=error

.PHONY: help deps build lint format test test-e2e local local-down bench drill clean

# `make tools` / `make tools-check`: the real collector, Jaeger, Prometheus, Helm, … built from
# their Go modules into a cache keyed by version (tools/README.md).
include tools/tools.mk
include deploy/kind.mk
include cluster/cluster.mk

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json package.json
	$(NPM) ci
	@touch $@

deps: node_modules/.package-lock.json ## install npm packages, and Debian packages (PostgreSQL, RabbitMQ) when missing
	@bash scripts/system-deps.sh

build: node_modules/.package-lock.json ## compile every workspace (tsc -b)
	$(NPM) run build

lint: node_modules/.package-lock.json ## biome (lint + format check) and the TypeScript type check
	$(NPM) run lint

format: node_modules/.package-lock.json ## apply biome's formatting and safe fixes
	$(NPM) run format

test: deps tools tools-check ## build, run every test, then the end-to-end suite over the whole stack
	$(NPM) test
	$(NPM) run test:e2e

test-e2e: deps tools build ## only the end-to-end acceptance suite (test/e2e) over its own local stack
	$(NPM) run test:e2e

local: deps tools build ## start the platform on 127.0.0.1 in the background (logs in .local/logs)
	@node_modules/.bin/node local/up.ts

local-down: ## stop everything `make local` started
	@node_modules/.bin/node local/down.ts

bench: deps tools ## the benchmarks (bench/README.md; ~25 min, BENCH="overhead --quick" for some)
	$(NPM) run bench -- $(BENCH)

drill: deps tools build ## the fault drill under load (docs/drill.md; DRILL=quick ≤ 5 min, or full)
	@node_modules/.bin/node packages/cli/bin/tracing-demo.js drill --profile $(or $(DRILL),quick)

clean: ## remove build output
	$(NPM) run clean
