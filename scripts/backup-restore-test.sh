#!/usr/bin/env bash
# Back up an installation with data and files, restore it into an empty one, and show that both
# hold identical data: every table's rows (md5 of all rows in order), every sequence's position,
# every stored file's bytes. PostgreSQL 15 cluster on loopback (scripts/pg-cluster.sh).
#   bash scripts/backup-restore-test.sh [cluster-name] [port]
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=config.settings
cluster=${1:-kefubackup}
port=${2:-54418}
base_url=$(bash scripts/pg-cluster.sh "$cluster" "$port")
server=${base_url%/*}
work=$(mktemp -d /tmp/kefu-backup.XXXXXX)
trap 'rm -rf "$work"' EXIT
psql_admin() { su postgres -c "psql -q -p $port -tAc \"$1\""; }
for db in kefu_src kefu_dst; do
  psql_admin "DROP DATABASE IF EXISTS $db"
  psql_admin "CREATE DATABASE $db OWNER kefu"
done
src_env=(DATABASE_URL="$server/kefu_src" KEFU_VAR_DIR="$work/src")
dst_env=(DATABASE_URL="$server/kefu_dst" KEFU_VAR_DIR="$work/dst")

echo "== an installation with data and files"
env "${src_env[@]}" python manage.py migrate --noinput -v 0
env "${src_env[@]}" python manage.py load_demo_data --customers 300 >/dev/null
env "${src_env[@]}" python manage.py load_demo_requests --requests 120 >/dev/null
env "${src_env[@]}" python manage.py shell -c "
from django.core.files.uploadedfile import SimpleUploadedFile
from kefu.org.models import User
from kefu.tickets.models import Ticket
from kefu.tickets.services.lifecycle import ticket_attach
admin = User.objects.get(username='admin')
for n, ticket in enumerate(Ticket.objects.order_by('pk')[:5]):
    ticket_attach(actor=admin, ticket=ticket, uploaded_file=SimpleUploadedFile(f'现场照片{n}.jpg', bytes(range(256)) * (n + 1)))
"

echo "== backup"
env "${src_env[@]}" bash scripts/backup.sh "$work/backup"
echo "== restore into an empty instance"
env "${dst_env[@]}" bash scripts/restore.sh "$work/backup"
env "${dst_env[@]}" python manage.py migrate --check >/dev/null && echo "ok   no migration left to apply"

echo "== compare"
python - "$server" "$work" <<'PY'
import hashlib, sys
from pathlib import Path
import psycopg
server, work = sys.argv[1], Path(sys.argv[2])

def fingerprint(db):
    with psycopg.connect(f"{server}/{db}") as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        rows = {t: conn.execute(
            f'SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), \'\')) FROM "{t}" t'
        ).fetchone() for t in tables}
        sequences = dict(conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").fetchall())
    return rows, sequences

def files(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}

src_rows, src_seq = fingerprint("kefu_src")
dst_rows, dst_seq = fingerprint("kefu_dst")
src_files, dst_files = files(work / "src" / "media"), files(work / "dst" / "media")
bad = [t for t in src_rows if src_rows[t] != dst_rows.get(t)]
print(f"tables: {len(src_rows)} (rows in all: {sum(c for c, _ in src_rows.values()):,}); differing: {bad or 'none'}")
print(f"sequences: {len(src_seq)}; differing: {[s for s in src_seq if src_seq[s] != dst_seq.get(s)] or 'none'}")
print(f"files: {len(src_files)}; identical: {src_files == dst_files}")
assert set(src_rows) == set(dst_rows) and not bad and src_seq == dst_seq and src_files == dst_files and src_files
print("ok   the restored instance holds identical data")
PY
for db in kefu_src kefu_dst; do psql_admin "DROP DATABASE IF EXISTS $db"; done
