# Thin entry points; the work happens in npm scripts and scripts/. `make help` lists them.
SHELL := bash
.DEFAULT_GOAL := help
NPM := npm --loglevel=error

.PHONY: help deps build lint format test run clean

# `make tools` / `make tools-check`: the real collector, Tempo, Prometheus, Helm, … built from
# their Go modules into a cache keyed by version (tools/README.md).
include tools/tools.mk

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

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

test: deps tools tools-check ## build, then run every test (route, integration, real collector)
	$(NPM) test

run: deps tools ## the platform on loopback: PostgreSQL, RabbitMQ, Tempo, collector, Prometheus, services
	$(NPM) run build
	$(NPM) run local

clean: ## remove build output
	$(NPM) run clean
