#!/usr/bin/env bash
# Back up a Kefu installation: the database (pg_dump, custom format) and every stored file
# (through the storage API: local disk or the object store), into a new directory.
#   scripts/backup.sh /backups/kefu-$(date +%F)     (with kefu.env's environment)
# Consistent per part: the dump is one snapshot; files are only ever added under new names
# (never overwritten), so files taken after the dump cover every row it holds.
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=config.settings
dest=${1:?usage: scripts/backup.sh DIRECTORY}
[ -n "${DATABASE_URL:-}" ] || { echo "DATABASE_URL is not set (SQLite: copy var/kefu.sqlite3 with sqlite3 .backup)"; exit 1; }
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/kefu.dump" "$DATABASE_URL"
python manage.py files_backup "$dest/files"
echo "backup in $dest: kefu.dump, files/ (MANIFEST.json)"
