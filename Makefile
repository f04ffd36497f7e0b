# khuyencong — two commands: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
PYTHON := $(shell scripts/find-python)
ifeq ($(PYTHON),)
$(error khuyencong needs Python >= 3.12 (Django 6.1): install python3.13 or python3.12, or set PYTHON=/path/to/python)
endif
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := khuyencong.settings

.PHONY: run test lint install assets os-deps messages makemessages migrate reference demo clean

run: install assets messages migrate reference demo  ## install, prepare the SQLite database with demo data and serve
	@$(BIN)/khuyencong demo_logins --url http://$(HOST):$(PORT)/
	@# The background worker (long exports) runs beside the web server and stops with it.
	@$(BIN)/khuyencong db_worker --no-reload > var/log/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/khuyencong runserver $(HOST):$(PORT)

# On every CPU (pytest-xdist, a test database per worker); an access-matrix door's tests stay together.
test: install assets os-deps messages  ## install and run the whole suite (SQLite, or PostgreSQL with DATABASE_URL)
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install assets  ## ruff, the apps' layers (import-linter), migrations in sync, Django checks, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	$(BIN)/khuyencong makemigrations --check --dry-run
	$(BIN)/khuyencong check --fail-level WARNING
	$(BIN)/mypy

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

assets: node_modules/.installed  ## front-end assets from the npm registry, served locally by WhiteNoise
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the front-end assets: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Chromium drives the page tests; Noto/DejaVu render Vietnamese in PDFs; gettext checks the translation
# catalogue. Installed with apt when running as root.
OS_PACKAGES := chromium fonts-noto-core fonts-dejavu-core gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
os-deps:
	@if ! command -v chromium >/dev/null || ! command -v xgettext >/dev/null || ! fc-list 2>/dev/null | grep -q DejaVuSans \
	    || ! ldconfig -p | grep -q libpangoft2 || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OS_PACKAGES) >/dev/null; \
	  else echo "Note: install Debian's $(OS_PACKAGES) (sudo apt-get install ...) to run the browser and catalogue tests."; fi; \
	fi

messages: install  ## compile the Vietnamese/English translation catalogues
	@$(BIN)/pybabel -q compile -d src/khuyencong/locale -D django

migrate: install
	@mkdir -p var/log
	$(BIN)/khuyencong migrate --noinput

reference: install
	$(BIN)/khuyencong load_reference

demo: install
	$(BIN)/khuyencong seed_demo

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 staticfiles

makemessages: install  ## extract new translatable strings into the Vietnamese catalogue (needs gettext)
	cd src/khuyencong && DJANGO_SETTINGS_MODULE=khuyencong.settings PYTHONPATH=.. ../../$(BIN)/django-admin makemessages -l vi --ignore='testing/*' --ignore='*/tests/*'
