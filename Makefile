# CCHC — the same targets locally and in CI. Needs Python >= 3.12 and make; nothing else.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(BIN)/python
# Compiled bytecode: faster starts, and importing vietnam-provinces' large tables costs ~100 MB
# less memory when Python does not have to compile them on the fly.
export UV_COMPILE_BYTECODE := 1

.PHONY: setup run test check fmt bench messages lock clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (none found on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --inexact --all-groups --quiet
	@touch $@

## setup: create or update .venv with the pinned dependencies (uv.lock)
setup: $(VENV)/.synced

## run: migrate SQLite, load units and demo data (first run only), serve on :8000 with the worker
# Development targets run with DEBUG on unless the environment says otherwise: with DEBUG off,
# settings refuse to load without a database and a secret key of one's own (docs/operations.md).
# Run manage.py by hand in a checkout the same way: DJANGO_DEBUG=true .venv/bin/python manage.py …
run check messages bench: export DJANGO_DEBUG ?= true
run: setup
	@mkdir -p var
	$(MANAGE) migrate --no-input --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) seed_demo --no-accounts
	@# Send what the seeding queued (one line per e-mail), then end with the address and accounts.
	$(MANAGE) db_worker --batch --no-startup-delay --no-reload --verbosity 0
	@$(MANAGE) seed_demo --accounts-only
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)."
	@trap 'kill 0' EXIT INT TERM; \
	DJANGO_DEBUG=true $(MANAGE) db_worker --no-reload & \
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

## test: the whole suite (SQLite, or PostgreSQL when DATABASE_URL=postgres://… is set)
test: setup
	$(BIN)/pytest

## check: format check, lint, types, import contracts, migrations check
check: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

## fmt: format and auto-fix lint
fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: benchmarks that print their figures and a ratio against a baseline
bench: setup
	$(BIN)/python bench/run.py

## messages: extract and compile translations (needs GNU gettext)
messages: setup
	$(MANAGE) makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		--ignore '*/tests/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'scripts/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

## lock: re-resolve uv.lock after changing pyproject.toml
lock: $(UV)
	$(UV) lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
