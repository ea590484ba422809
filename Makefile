# The two commands of the README. Everything a fresh machine needs is installed from here.
#   make run   - create .venv, install L2O, run the main job on the embedded SQLite store
#                (simulate or import a company, assess it, write the deliverables to l2o-out/)
#   make test  - create .venv with the dev tools, start a throwaway PostgreSQL, run the whole suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	scripts/system-deps
	$(BIN)/l2o run

test: $(VENV)/.installed-dev
	scripts/system-deps
	scripts/with-postgres scripts/check

# The checks alone, against whatever L2O_TEST_POSTGRES_URL points at (or SQLite only).
check: $(VENV)/.installed-dev
	scripts/system-deps
	scripts/check

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
