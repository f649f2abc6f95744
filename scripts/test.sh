#!/usr/bin/env bash
# The whole suite: lint, Django checks, pytest on SQLite (with browser tests), pytest on PostgreSQL.
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings
export KEFU_VAR_DIR="${KEFU_VAR_DIR:-$PWD/var/test}"
mkdir -p "$KEFU_VAR_DIR" test-artifacts

echo "== ruff"
ruff check .
ruff format --check .

echo "== django checks"
python manage.py check --fail-level WARNING
python manage.py makemigrations --check --dry-run >/dev/null
bash scripts/check-catalog.sh

echo "== pytest on SQLite (with browser tests and schemathesis against the API schema)"
pytest -n 2 -q

echo "== pytest on PostgreSQL 15"
DATABASE_URL=$(bash scripts/pg-cluster.sh kefutest 54329)
export DATABASE_URL
pytest -n 2 -q -m "not browser and not schemathesis"  # the API contract does not depend on the database
