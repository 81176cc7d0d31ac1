# Two commands do everything: `make report` (main job) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report build test lab bench clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lab: $(STAMP)
	$(BIN)/kztariffs lab

bench: $(STAMP)
	$(BIN)/python bench/bench_pdf.py

clean:
	rm -rf $(VENV) data/processed/* reports/*
