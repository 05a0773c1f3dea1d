# Kanal's commands. `make run` and `make test` do all the set-up on a fresh machine
# that has only Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.installed-browser
CHROMIUM ?= /usr/bin/chromium
PG_URL ?= postgres://postgres@127.0.0.1:5432/kanal_test_$(shell date +%s)_$$$$
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; WORKERS=0 runs in one process.
WORKERS ?= auto
# uv (from PyPI, installed into the venv) when it can be had; pip otherwise.
UV := $(BIN)/uv
define install
	@if [ ! -x $(UV) ]; then echo "    getting uv, a faster installer, from PyPI (pip is the fallback)"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 || true; fi
	@if [ -x $(UV) ] && $(UV) pip install --python $(BIN)/python $(1); then :; else \
	  echo "    installing with pip"; \
	  $(BIN)/python -m pip install --progress-bar on --disable-pip-version-check $(1); fi
endef
# Every target that runs manage.py must be started in the project folder.
IN_PROJECT = @test -f manage.py -a -f kanal/settings.py || { \
	echo "Run make in Kanal's folder (the one with manage.py): cd $(CURDIR_HINT)"; exit 2; }
CURDIR_HINT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

.PHONY: help run serve setup test test-pg test-slow test-browser test-all lint format otp i18n i18n-check clean \
	bench faults routing-model check-port

help:  ## list the commands
	@grep -E '^[A-Za-z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(IN_PROJECT)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kanal needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)

# Started outside the project folder, say so instead of "No rule to make target".
pyproject.toml:
	$(IN_PROJECT)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing Kanal and its development tools into $(VENV)"
	$(call install,-e ".[dev]")
	@touch $@

setup: $(STAMP)  ## install, compile translations, migrate var/kanal.sqlite3, load reference data
	$(IN_PROJECT)
	@echo "==> Compiling translations"
	@$(MANAGE) compile_translations -v0
	@echo "==> Migrating the database"
	@$(MANAGE) migrate --no-input -v0
	@echo "==> Loading reference data (wilayah, units, categories, routing keywords and places)"
	@$(MANAGE) load_reference_data
	@$(MANAGE) load_routing_data

run: check-port setup  ## run Kanal at http://127.0.0.1:8000 (PORT=, HOST= to change) with worker and scheduler; Ctrl-C stops
	@echo "==> Demo accounts"
	@$(MANAGE) load_demo_accounts
	@echo "==> Demo content (news, programs, PPID year, cases)"
	@$(MANAGE) publishing_demo_data
	@$(MANAGE) ppid_demo_data --year 2025
	@$(MANAGE) complaints_demo_data
	@$(MANAGE) run_kanal --addr $(HOST):$(PORT)

# Refuse a taken port before minutes of set-up, not after.
check-port:
	$(IN_PROJECT)
	@$(PYTHON) -c 'import sys; from kanal.core.processes import port_in_use; \
	sys.exit(port_in_use("$(HOST)", $(PORT)) and "Port $(PORT) on $(HOST) is already in use (another Kanal?). Stop it or choose another: make run PORT=$(shell expr $(PORT) + 1)")'

serve: $(STAMP)  ## production: gunicorn, task workers and the scheduler (KANAL_DEBUG=0; see docs/deploy.md)
	$(IN_PROJECT)
	@$(MANAGE) serve

test: $(STAMP)  ## every test that needs no external service (SQLite), on all cores; WORKERS=0 for one process
	@$(MANAGE) compile_translations -v0
	$(BIN)/pytest -n $(WORKERS)

test-pg: $(STAMP)  ## the same suite on PostgreSQL (PG_URL; each worker gets its own test database)
	@$(MANAGE) compile_translations -v0
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(WORKERS)

test-slow: $(STAMP)  ## the slow suites kept out of make test (schemathesis against the REST API)
	@$(MANAGE) compile_translations -v0
	$(BIN)/pytest -m slow -n $(WORKERS)

# In a variable: a comma written inside $(call ...) would split the argument.
BROWSER_EXTRAS := -e ".[dev,browser]"
$(BROWSER_STAMP): $(STAMP)
	$(call install,$(BROWSER_EXTRAS))
	@touch $@

test-browser: $(BROWSER_STAMP)  ## drive Debian's Chromium through Playwright, with axe checks
	@test -x $(CHROMIUM) || { echo "Chromium not found at $(CHROMIUM): apt-get install chromium (or set CHROMIUM=...)"; exit 1; }
	@$(MANAGE) compile_translations -v0
	KANAL_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m browser tests/browser

lint: $(STAMP)  ## ruff (lint and format check), the import-layer contracts, mypy (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)  ## reformat the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

otp: $(STAMP)  ## print the demo accounts' current second-factor code
	@$(MANAGE) demo_otp

i18n: $(STAMP)  ## extract strings into the Indonesian catalogues (needs GNU gettext)
	@# Apps with their own locale/ keep their own catalogue; the rest share kanal/locale.
	@own=""; for dir in kanal/*/locale; do [ -d "$$dir" ] || continue; app=$$(basename $$(dirname $$dir)); \
	  own="$$own --ignore=$$app/*"; \
	  (cd kanal/$$app && ../../$(BIN)/python ../../manage.py makemessages -l id --ignore "tests/*" --no-obsolete -v0); done; \
	cd kanal && ../$(BIN)/python ../manage.py makemessages -l id --ignore "*/tests/*" $$own --no-obsolete -v0

i18n-check: $(STAMP)  ## fail if a user-visible string has no Indonesian translation (leaves the catalogues as they were)
	@# Extract into the catalogues, check them, then put the committed files back: a check
	@# must not rewrite the work tree (makemessages always changes the headers).
	@files="kanal/locale/id/LC_MESSAGES/django.po $$(ls kanal/*/locale/id/LC_MESSAGES/django.po 2>/dev/null)"; \
	keep=$$(mktemp -d); tar cf $$keep/po.tar $$files; \
	$(MAKE) --no-print-directory i18n && $(BIN)/python -m kanal.core.i18n_check $$files; status=$$?; \
	tar xf $$keep/po.tar; rm -rf $$keep; exit $$status

bench: $(STAMP)  ## intake, webhooks, scale (100k; FULL=1 adds 1M), pages, routing (~15 min)
	@$(MANAGE) compile_translations -v0
	$(BIN)/python bench/run_all.py $(if $(FULL),--full)

faults: $(STAMP)  ## kill the worker, the web server, restart PostgreSQL; totals table (~6 min)
	@$(MANAGE) compile_translations -v0
	$(BIN)/python tests/faults/run.py

routing-model: $(STAMP)  ## rebuild kanal/routing/model/router.joblib from data/routing/
	$(MANAGE) routing_train

clean:  ## remove the virtual environment and local data
	rm -rf $(VENV) var
