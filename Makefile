# Shailoo: `make run` serves the demo, `make test` runs the whole suite. See README.md.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

# The pure core's tests run without Django, in a process of their own (docs/testing.md).
CORE_TESTS := tests/rules tests/crypto
MODULE ?=
JOBS ?= 1
MUTATION_STAMP := $(VENV)/.mutation-stamp

.PHONY: run test test-replica setup install frontend booth messages lint mutation bench-import clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) frontend booth
	scripts/ensure-libdecaf $(VENV)
	$(BIN)/python scripts/ensure-native

# The design system (docs/design.md): GOV.UK Frontend's Sass and axe-core from frontend/package-lock.json,
# built into src/shailoo/web/static/web/build/ (not committed).
FRONTEND_STAMP := frontend/node_modules/.installed-stamp
FRONTEND_CSS := src/shailoo/web/static/web/build/shailoo.css

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	scripts/ensure-node
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $(FRONTEND_STAMP)

$(FRONTEND_CSS): $(FRONTEND_STAMP) frontend/build.mjs $(wildcard frontend/scss/*.scss)
	node frontend/build.mjs

frontend: $(FRONTEND_CSS)

# The voting booth (docs/evoting-booth.md): protocol v2 in JavaScript with libsodium's WebAssembly, from
# booth/package-lock.json, bundled by esbuild into src/shailoo/evoting/static/evoting/booth/ (not committed).
BOOTH_STAMP := booth/node_modules/.installed-stamp
BOOTH_JS := src/shailoo/evoting/static/evoting/booth/worker.js

$(BOOTH_STAMP): booth/package.json booth/package-lock.json
	scripts/ensure-node
	cd booth && npm ci --no-audit --no-fund --loglevel=error
	touch $(BOOTH_STAMP)

$(BOOTH_JS): $(BOOTH_STAMP) booth/build.mjs $(shell find booth/src -name '*.js')
	node booth/build.mjs

booth: $(BOOTH_JS)

messages: install
	@if command -v msgfmt >/dev/null; then cd src/shailoo && ../../$(BIN)/shailoo compilemessages -v0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

setup: install messages
	$(BIN)/shailoo migrate --noinput -v0
	$(BIN)/shailoo collectstatic --noinput -v0

# The demo signs voters in through the local test identity provider (never in production, which
# refuses it), served by the same gunicorn: see docs/tunduk.md.
DEMO_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
DEMO_ENV := SHAILOO_TEST_IDP=1 SHAILOO_OIDC_DISCOVERY_URL=http://$(DEMO_HOST):$(PORT)/test-idp/.well-known/openid-configuration \
	SHAILOO_DEMO_BASE_URL=http://$(DEMO_HOST):$(PORT)

run: setup
	$(DEMO_ENV) $(BIN)/shailoo demo
	$(DEMO_ENV) $(BIN)/shailoo runplatform --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install messages
	scripts/ensure-chromium
	scripts/ensure-kannel
	scripts/ensure-jasmin
	scripts/ensure-nginx
	$(BIN)/pytest -p no:django $(CORE_TESTS)
	$(BIN)/pytest $(addprefix --ignore=,$(CORE_TESTS))

# Public reads from a real PostgreSQL streaming replica (tests/replica): a throw-away primary and replica on
# free ports (scripts/pg-replica), removed afterwards. Needs PostgreSQL's server binaries; .ci/run runs it.
test-replica: install
	scripts/test-replica

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,mutation]'
	touch $@

# Mutation testing of the pure core, or of one module: `make mutation MODULE=rules/pin.py [JOBS=2]`.
mutation: install $(MUTATION_STAMP)
	$(BIN)/python scripts/mutation.py $(MODULE) --jobs $(JOBS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var mutants frontend/node_modules src/shailoo/web/static/web/build booth/node_modules \
		src/shailoo/evoting/static/evoting/booth
