# trainer — run `make` or `make help` for the list of targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
DEVSTAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run test check lint format typecheck bench clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(DEVSTAMP)

run: $(STAMP) ## Create .venv if missing, install, start the app on the shipped course
	$(BIN)/trainer --course question_banks/course.yaml

test: $(STAMP) ## Install with test extras and run the whole test suite
	$(BIN)/python -m pytest -q

check: $(DEVSTAMP) ## Lint, format check, type-check the core, run the tests
	$(BIN)/ruff check trainer tests benchmarks
	$(BIN)/ruff format --check trainer tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

format: $(DEVSTAMP) ## Reformat the code with ruff
	$(BIN)/ruff format trainer tests benchmarks
	$(BIN)/ruff check --fix trainer tests benchmarks

bench: $(STAMP) ## Run the benchmarks and write benchmarks/RESULTS.md
	$(BIN)/python -m benchmarks

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
