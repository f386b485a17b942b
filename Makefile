# The README's two commands live here: `make demo` and `make test`. Every target creates the
# virtualenv itself, so a fresh clone needs nothing but Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo serve test lint format clean graphiql-assets bench bench-quick graphql-http-audit

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# GraphiQL's JavaScript and CSS, pinned in tools/graphiql, fetched from the npm registry once.
GRAPHIQL_ASSETS := build/graphiql-assets/graphiql.min.js

$(GRAPHIQL_ASSETS): tools/graphiql/package.json tools/graphiql/package-lock.json
	bash scripts/graphiql-assets.sh

graphiql-assets: $(GRAPHIQL_ASSETS)

demo: $(STAMP)
	@bash scripts/graphiql-assets-if-missing.sh
	$(BIN)/partner-gateway demo

serve: $(STAMP)
	$(BIN)/partner-gateway serve

test: $(STAMP)
	@bash scripts/graphiql-assets-if-missing.sh
	$(BIN)/pytest $(PYTEST_ARGS)

# The graphql-http reference audit alone (it also runs in `make test`): a live server, every
# MUST and SHOULD. Its npm package is pinned in tools/graphql-http-audit and installed by the test.
graphql-http-audit: $(STAMP)
	$(BIN)/pytest tests/http/test_graphql_http_audit.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check gateway tests
	$(BIN)/mypy gateway tests

# The benchmark (bench/README.md): the gateway against a hand-written baseline on this machine.
# Its own database in .data/bench (or on BENCH_DATABASE_URL's server); results in bench/results.
bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

format: $(STAMP)
	$(BIN)/ruff check --fix gateway tests

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
