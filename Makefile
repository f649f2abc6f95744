# Kefu: `make run` for the demo, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SYSTEM_PACKAGES := gettext postgresql-15 redis-server chromium fonts-noto-cjk

.PHONY: run test venv test-deps assets messages migrate demo system-packages lint format bench-smoke

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

# Front-end files come from the npm lockfile and are copied into static/: no CDN at run time.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
assets: node_modules/.package-lock.json
	bash scripts/build-assets.sh

# The Chinese catalog lives in locale/; the compiled .mo files are build output, not committed.
messages: venv
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

system-packages:
	bash scripts/system-packages.sh $(SYSTEM_PACKAGES)

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo_data --if-empty
	$(PY) manage.py load_demo_requests --if-empty

run: system-packages venv assets messages demo
	$(PY) manage.py collectstatic --noinput -v 0
	bash scripts/run.sh $(HOST) $(PORT)

test-deps: system-packages $(VENV)/.test-installed assets messages

test: test-deps
	bash scripts/test.sh

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .
