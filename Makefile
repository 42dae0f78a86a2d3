# DL Notes: `make serve` to read and write the site, `make test` to check everything.
# Each target creates .venv and installs the pinned toolchain (requirements.lock) when needed.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve site test screenshots experiments lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

serve: $(STAMP)  ## build the site and serve it with live reload on http://127.0.0.1:8000
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

site: $(STAMP)  ## build the static site into site/
	@TIMEFORMAT="make site: %1R s in all (experiments, notebooks and both languages)"; \
	time $(BIN)/mkdocs build --strict

screenshots: $(STAMP)  ## full-page PNGs of every page, both languages, desktop and phone, into screenshots/
	$(BIN)/python -m pytest tests/test_browser.py -k test_page --screenshots screenshots -q
	@echo "screenshots: $$(find screenshots -name '*.png' | wc -l) PNGs in screenshots/<lang>/"

experiments: $(STAMP)  ## run every experiment through the cache
	$(BIN)/python -m dl_notes.experiments run --all

test: $(STAMP)  ## run every test: unit, doctests, page examples, site build (one worker per CPU)
	$(BIN)/python -m pytest -n auto

lock:  ## re-resolve the toolchain from pyproject.toml into requirements.lock
	bash scripts/lock.sh

clean:
	rm -rf site .cache docs/assets/generated docs/notebooks/*.ipynb
