# One task runner for people and CI.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLES := samples/sources/*

.PHONY: install install-test demo serve serve-api datapackages openapi test lint typecheck check bench bench-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

## Main job on the bundled sample data; ends by saying how to serve it.
demo: install
	$(BIN)/adreg publish $(SAMPLES) --config samples/release.yml --out out
	$(MAKE) --no-print-directory datapackages
	@echo
	@echo "Published into out/. Serve the site, the API and Datasette on one port:"
	@echo "  make serve        (or: $(BIN)/adreg serve --release out)"
	@echo "  → http://127.0.0.1:8000/  http://127.0.0.1:8000/api/  http://127.0.0.1:8000/explore/"

## The current release of out/ on one port: site /, API /api/, Datasette /explore/.
PORT ?= 8000
serve: install
	@test -e out/current || $(MAKE) --no-print-directory demo
	$(BIN)/adreg serve --release out --port $(PORT)

## Refresh datapackages/: the samples' data package as a fresh publish writes it.
datapackages: install
	rm -rf build/samples-release
	$(BIN)/adreg publish $(SAMPLES) --config samples/release.yml --out build/samples-release -q
	rm -rf datapackages/adreg-samples
	cp -R build/samples-release/current/datapackages/adreg-samples datapackages/
	rm -rf build/samples-release

## The API's OpenAPI document, as checked in for tests (a change to it is a visible diff).
openapi: install
	$(BIN)/python -m api --openapi > tests/openapi.json

## The API alone over out/ (make demo first) on http://127.0.0.1:8000/api/schema/swagger
serve-api: install
	$(BIN)/python -m api --release out --port $(PORT)

lint:
	$(BIN)/ruff check publisher api tests benchmarks
	$(BIN)/ruff format --check publisher api tests benchmarks

typecheck:
	$(BIN)/mypy

## Lint, type-check and the test suite.
test: install-test lint typecheck
	$(BIN)/pytest -q

## What only the benchmarks need: Hugo (Debian's) and Pagefind, the site's peers.
bench-deps: install-test
	apt-get install -y -q hugo
	$(BIN)/pip install -q -e '.[test,bench]'

## The benchmarks of the README's performance section (long: ~1M rows each).
bench: install-test
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_database.py
	$(BIN)/python benchmarks/bench_package.py
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_explore.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_site.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
