#!/usr/bin/env bash
# Create (once) and start a PostgreSQL 15 cluster for Kefu's tests and benchmarks on loopback,
# then print its DATABASE_URL. Usage: scripts/pg-cluster.sh [name] [port]
set -euo pipefail
name=${1:-kefutest}
port=${2:-54329}
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
  # C.UTF-8 so that Chinese characters are letters to the database (sorting, pattern matching).
  pg_createcluster 15 "$name" -p "$port" --locale=C.UTF-8 \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o shared_buffers=512MB -o max_connections=100 \
    -- --auth-local=trust --auth-host=trust >/dev/null
fi
status=$(pg_lsclusters -h | awk -v n="$name" '$2==n {print $4}')
[ "$status" = "online" ] || pg_ctlcluster 15 "$name" start >&2  # stdout carries only the URL
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
run_psql() { su postgres -c "psql -q -p $port -tAc \"$1\""; }
[ "$(run_psql "SELECT 1 FROM pg_roles WHERE rolname='kefu'")" = "1" ] || run_psql "CREATE ROLE kefu LOGIN SUPERUSER PASSWORD 'kefu'"
[ "$(run_psql "SELECT 1 FROM pg_database WHERE datname='kefu'")" = "1" ] || run_psql "CREATE DATABASE kefu OWNER kefu"
echo "postgres://kefu:kefu@127.0.0.1:$port/kefu"
