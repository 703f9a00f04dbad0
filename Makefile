# FoodCredit — the two commands: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SEED_OPERATORS ?= 5000

.PHONY: run test setup system-deps venv assets migrate seed lint pytest lock clean bench drills

## Set up everything and serve the seeded demo district at http://$(HOST):$(PORT)
## Without a broker (no REDIS_URL) the scheduled jobs run in a loop beside the server; with Redis, Celery beat does.
run: setup migrate seed
	@$(PY) manage.py demo_accounts
	@if [ -z "$$REDIS_URL" ]; then $(PY) manage.py schedule_loop & loop=$$!; trap "kill $$loop 2>/dev/null" EXIT; fi; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

## Set up everything and run the whole suite (linters, type checks, layer contracts, migrations check, tests)
test: setup system-deps lint pytest

setup: venv assets

## Debian packages: Chromium for the browser tests (Playwright drives it), a CJK font to render Chinese in it, and R's
## surveillance package (the reference Farrington Flexible the alerts tests compare with)
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	  else echo "install Debian packages chromium and fonts-wqy-zenhei (sudo apt-get install …) for the browser tests"; fi; \
	fi
	@# gettext: the translation test extracts the tree's strings with makemessages (xgettext) to find any without English
	@if ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "install the Debian package gettext (sudo apt-get install gettext) for the translation test"; fi; \
	fi
	@# Pango and HarfBuzz's subsetter: WeasyPrint draws the credit reports (PDF) with them and embeds the CJK font above
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else echo "install the Debian packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 for the credit-report PDFs"; fi; \
	fi
	@# R's surveillance: the reference Farrington Flexible that foodcredit/alerts/tests/test_farrington_r.py compares with
	@if ! Rscript -e 'library(surveillance)' >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-cran-surveillance >/dev/null; \
	  else echo "install the Debian package r-cran-surveillance (sudo apt-get install --no-install-recommends …) for the alerts tests"; fi; \
	fi

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

assets: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo --operators $(SEED_OPERATORS) --years 3 --seed 42 --if-empty --classify

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy config foodcredit bench
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: venv assets
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider --durations=15

## Re-resolve requirements.in into the hashed lock file (needs uv: pip install uv)
lock:
	uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

bench: setup
	@echo "See bench/README.md"

## Long model drills, not part of `make test`: the family of synthetic worlds (issue 13 §6), model AUC vs oracle_now
drills: setup
	$(PY) bench/risk_worlds.py

clean:
	rm -rf $(VENV) node_modules var
