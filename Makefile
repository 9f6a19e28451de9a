# One entry point for setting up, running and testing dtkg on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup vendor run build validate serve test test-fast lint screenshots wheel clean

$(BIN)/dtkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/dtkg

YASGUI := src/dtkg/serve/static/vendor/yasgui/VERSION
COMUNICA := .ci/comunica/node_modules/.bin/comunica-sparql

setup: $(BIN)/dtkg $(YASGUI)

## YASGUI for the query page, packed from the npm registry at a pinned version (not committed)
vendor: $(YASGUI)

$(YASGUI): scripts/vendor_yasgui.py | $(BIN)/dtkg
	$(BIN)/python scripts/vendor_yasgui.py

## build → validate → serve the bundled sample articles at http://$(HOST):$(PORT)/
run: build validate serve

build: setup
	$(BIN)/dtkg build examples/articles --output $(OUT)/kg.nq

validate: setup
	$(BIN)/dtkg validate $(OUT)/kg.nq

serve: setup
	$(BIN)/dtkg serve $(OUT)/kg.nq --host $(HOST) --port $(PORT)

## the whole test suite (starts the real servers it needs on loopback)
test: setup comunica
	$(BIN)/python -m pytest -q

## Comunica for the interoperability tests, pinned by .ci/comunica/package-lock.json (outside the package)
comunica: $(COMUNICA)

$(COMUNICA): .ci/comunica/package.json .ci/comunica/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ -n "$$DTKG_SKIP_COMUNICA" ]; then echo "make comunica: no npm; DTKG_SKIP_COMUNICA is set, so the Comunica tests are skipped" >&2; exit 0; fi; \
	  echo "make comunica: npm is needed to install Comunica for the tests (Node.js >= 18: apt-get install nodejs npm), or set DTKG_SKIP_COMUNICA=1 to skip those tests" >&2; exit 1; \
	fi; \
	npm ci --prefix .ci/comunica --no-audit --no-fund --loglevel=error && touch $(COMUNICA)

test-fast: setup
	$(BIN)/python -m pytest -q -m "not server and not slow"

## the linter and the type checker (configured in pyproject.toml), as CI runs them
lint: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

## the browser test, keeping its screenshots of the overview and an article in docs/screenshots/
screenshots: setup
	DTKG_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py

wheel: setup
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

clean:
	rm -rf $(OUT) dist build .pytest_cache
