# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make demo   — fresh kxplan.db, sample progress imported, reports rendered into reports/
#   make test   — the whole test suite (SQLite and a throwaway local PostgreSQL server)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh $(BIN)/kxplan

# The suite runs against SQLite and a throwaway PostgreSQL server (scripts/with_postgres.sh).
test: $(STAMP)
	bash scripts/with_postgres.sh $(BIN)/python -m pytest -q

# The edit loop: everything but the tests marked slow (processes, kills, full disks, a
# browser), on SQLite only (the PostgreSQL half is skipped with the reason). Not for landing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# ruff (lint and format) on everything; mypy on kxplan, strict for the core (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check kxplan tests bench scripts
	$(BIN)/ruff format --check kxplan tests bench scripts
	$(BIN)/mypy

# Benchmarks build their own regular install (pip install . into a temporary venv): see bench/.
bench:
	$(PYTHON) bench/startup.py

clean:
	rm -rf $(VENV) kxplan.db kxplan.db-wal kxplan.db-shm
