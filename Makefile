# Two commands set up a fresh machine: `make decks` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LINT_PATHS := src tests $(wildcard benchmarks)

.PHONY: decks test lint diagrams test-browser bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("deckgen needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-base

decks: $(VENV)/.installed-base  ## build the deck from notes/ into decks/
	$(BIN)/deckgen build notes -o decks

lint: $(VENV)/.installed-test  ## ruff, mypy and the import layers (import-linter)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(VENV)/.installed-test lint  ## every test, real Anki imports included
	$(BIN)/python -m pytest

# The pinned mermaid bundle, for rendering diagrams missing from notes/.diagrams/ (never committed).
tools/mermaid/node_modules/.package-lock.json: tools/mermaid/package-lock.json
	npm ci --prefix tools/mermaid --ignore-scripts --no-audit --no-fund

diagrams: tools/mermaid/node_modules/.package-lock.json  ## the renderer for new or edited diagrams

test-browser: $(VENV)/.installed-test diagrams  ## only the headless-Chromium tests
	$(BIN)/python -m pytest -m browser tests/browser

bench: $(VENV)/.installed-base  ## deckgen vs the floor at 1k/10k/100k cards, then seconds per MiB of hostile raw HTML; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/html_policy.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .deckgen-cache decks/*.apkg decks/SHA256SUMS benchmarks/work
