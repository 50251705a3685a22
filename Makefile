# Thin entry points; the work happens in npm scripts and scripts/. `make help` lists them.
SHELL := bash
.DEFAULT_GOAL := help
NPM := npm --loglevel=error

.PHONY: help deps build lint format test run clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json package.json
	$(NPM) ci
	@touch $@

deps: node_modules/.package-lock.json ## install npm packages and Debian packages (PostgreSQL) when missing
	@bash scripts/system-deps.sh

build: node_modules/.package-lock.json ## compile every workspace (tsc -b)
	$(NPM) run build

lint: node_modules/.package-lock.json ## biome (lint + format check) and the TypeScript type check
	$(NPM) run lint

format: node_modules/.package-lock.json ## apply biome's formatting and safe fixes
	$(NPM) run format

test: deps ## build, then run every test (unit, route, and integration against real PostgreSQL)
	$(NPM) test

run: deps ## run the four services on loopback with PostgreSQL; traces print in the terminal
	$(NPM) run build
	$(NPM) run local

clean: ## remove build output
	$(NPM) run clean
