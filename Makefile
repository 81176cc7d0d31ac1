# Two commands do everything: `make report` (main job) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report build test lab bench clean browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kztariffs report

build: $(STAMP)
	$(BIN)/kztariffs build

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2

# Headless Chromium for the browser test of the reports, and pdftotext for the independent check of the
# corpus keys (Debian's packages). Best effort: where they cannot be installed those tests are skipped
# with a message saying so.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium and poppler-utils for the browser and corpus tests"; \
	    (apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null) || echo "warning: could not install chromium/poppler-utils; the browser and corpus-key tests will be skipped"; \
	  else echo "warning: chromium or pdftotext missing and apt-get unavailable (or not root); the browser and corpus-key tests will be skipped"; fi; }

lab: $(STAMP)
	$(BIN)/kztariffs lab

bench: $(STAMP)
	$(BIN)/python bench/bench_corpus.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_national.py  # BENCH_SIZES=300,3000 for a shorter run
	$(BIN)/python bench/bench_round.py

clean:
	rm -rf $(VENV) data/processed data/.processed.gens data/.processed.cache data/.processed.parts data/.processed.lock reports .reports.gens .reports.lock
