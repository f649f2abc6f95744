#!/usr/bin/env bash
# The steps of a deploy that run ONCE, on one machine, before the services restart
# (docs/deployment.md, "Deploying and upgrading"): not on every machine's start.
#   sudo -u kefu env $(cat /etc/kefu/kefu.env | xargs) bash scripts/deploy.sh
# Never loads demo data. Safe to run again.
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings
echo "== migrations"
python manage.py migrate --noinput
echo "== static files (hashed names, gzip and Brotli copies)"
python manage.py collectstatic --noinput -v 0
echo "== translations"
python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
if [ -n "${KEFU_PRESET:-}" ]; then
  echo "== preset $KEFU_PRESET (workflows, categories, time limits; adds only what is missing)"
  python manage.py install_preset "$KEFU_PRESET"
fi
if [ -n "${KEFU_ADMIN_USERNAME:-}" ]; then
  echo "== first administrator (nothing if one exists)"
  python manage.py create_first_admin --from-env
fi
echo "== checks"
python manage.py check --deploy --fail-level WARNING
