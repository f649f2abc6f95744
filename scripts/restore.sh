#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY instance: an empty database at
# DATABASE_URL (createdb kefu) and an empty storage (bucket or media directory).
#   scripts/restore.sh /backups/kefu-2026-12-05
# Then: scripts/deploy.sh (applies migrations newer than the backup, collects static files).
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=config.settings
src=${1:?usage: scripts/restore.sh DIRECTORY}
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$src/kefu.dump"
python manage.py files_restore "$src/files"
echo "restored from $src"
