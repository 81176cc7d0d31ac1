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

# Headless Chromium for the browser test of the reports (Debian's package). Best effort: where it
# cannot be installed the browser test is skipped with a message saying so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser test"; \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; the browser test will be skipped"; \
	  else echo "warning: chromium missing and apt-get unavailable (or not root); the browser test will be skipped"; fi; }

lab: $(STAMP)
	$(BIN)/kztariffs lab

bench: $(STAMP)
	$(BIN)/python bench/bench_corpus.py
	$(BIN)/python bench/bench_pdf.py

clean:
	rm -rf $(VENV) data/processed/* reports/*
