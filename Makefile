# Two commands set up a fresh machine: `make decks` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LINT_PATHS := src tests tools $(wildcard benchmarks)
MERMAID_JS := tools/mermaid/node_modules/mermaid/dist/mermaid.min.js

.PHONY: decks test lint diagrams test-browser bench clean anki-venvs

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

decks: $(VENV)/.installed-base  ## build the deck from notes/ into decks/, say where it is
	@log=$$(mktemp); \
	if ! $(BIN)/deckgen build notes -o decks > "$$log"; then cat "$$log"; rm -f "$$log"; exit 1; fi; \
	cat "$$log"; \
	deck=$$(sed -n -e 's/^Built \(.*\.apkg\): .*/\1/p' -e 's/^Up to date \(.*\.apkg\): .*/\1/p' "$$log"); \
	rm -f "$$log"; \
	printf "\nYour deck: %s\n" "$$deck"; \
	printf "Next: import it with Anki's File › Import (desktop), or open it with AnkiDroid or AnkiMobile.\n"; \
	printf "deckgen itself is %s, e.g. %s check (README.md has the rest).\n" "$(BIN)/deckgen" "$(BIN)/deckgen"

lint: $(VENV)/.installed-test  ## ruff, mypy and the import layers (import-linter)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

# Where npm is, the diagram tests get their bundle too; elsewhere they skip, saying so.
test: $(VENV)/.installed-test lint anki-venvs $(if $(shell command -v npm),$(MERMAID_JS))  ## every test
	DECKGEN_ANKI_VENVS=$(abspath $(ANKI_VENVS)) $(BIN)/python -m pytest

# One environment per Anki importer generation, for the compatibility matrix
# (tests/anki_matrix): .venv-anki/<version>/, each pinned whole. No pip inside them: the
# main venv's pip installs into each (`pip --python`), which saves seconds per venv.
ANKI_VERSIONS := 2.1.49 2.1.55 2.1.66 24.11 26.9.3
ANKI_VENVS    ?= .venv-anki

$(ANKI_VENVS)/%/.installed: tests/anki_matrix/requirements/anki-%.txt | $(BIN)/python
	rm -rf $(ANKI_VENVS)/$*
	$(PYTHON) -m venv --without-pip $(ANKI_VENVS)/$*
	$(BIN)/python -m pip --python $(ANKI_VENVS)/$*/bin/python install --quiet -r $<
	$(ANKI_VENVS)/$*/bin/python -c 'import anki.collection'
	touch $@

anki-venvs: $(foreach v,$(ANKI_VERSIONS),$(ANKI_VENVS)/$(v)/.installed)  ## the Anki versions of the matrix

# The pinned mermaid bundle, for rendering diagrams missing from notes/.diagrams/ (never
# committed): only mermaid's own tarball, checked against package-lock.json (see install.py).
$(MERMAID_JS): tools/mermaid/package-lock.json tools/mermaid/install.py
	$(PYTHON) tools/mermaid/install.py

$(VENV)/.installed-diagrams: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[diagrams]'
	touch $@ $(VENV)/.installed-base

diagrams: $(MERMAID_JS) $(VENV)/.installed-diagrams  ## the renderer for new or edited diagrams

test-browser: $(VENV)/.installed-test diagrams  ## only the headless-Chromium tests
	$(BIN)/python -m pytest -m browser tests/browser

bench: $(VENV)/.installed-base  ## deckgen vs the floor at 1k/10k/100k cards, then seconds per MiB of hostile raw HTML; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/html_policy.py

clean:
	rm -rf $(VENV) $(ANKI_VENVS) .pytest_cache .mypy_cache .ruff_cache decks/*.apkg decks/SHA256SUMS benchmarks/work
