#!/usr/bin/env bash
# Start Kefu: the web app (gunicorn) and the background jobs, then print where to log in.
# Usage: scripts/run.sh HOST PORT   (called by `make run` after migrations and demo data)
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
export PATH="$PWD/.venv/bin:$PATH"
# With DEBUG off the web app refuses the development SECRET_KEY: unless one is given, this
# installation gets its own random key, kept (readable by its owner only) in the var directory.
if [ -z "${SECRET_KEY:-}" ]; then
  keyfile="${KEFU_VAR_DIR:-$PWD/var}/secret_key"
  mkdir -p "$(dirname "$keyfile")"
  [ -s "$keyfile" ] || (umask 077 && python -c "import secrets; print(secrets.token_urlsafe(50))" >"$keyfile")
  SECRET_KEY=$(cat "$keyfile")
  export SECRET_KEY
fi
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

if [ "${KEFU_BACKGROUND:-inline}" = "celery" ]; then
  # Scaled out: a Celery worker on Redis (started here on loopback if none answers), and the one
  # scheduler (beat, schedule in the database) unless KEFU_BEAT=0 because another machine runs it
  # (docs/deployment.md). A beat started twice by mistake stays on standby (kefu/core/beat.py).
  redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379/0}" ping >/dev/null 2>&1 || { redis-server --port 6379 --daemonize yes >/dev/null; }
  celery -A config worker --loglevel WARNING &
  pids+=($!)
  if [ "${KEFU_BEAT:-1}" = "1" ]; then
    celery -A config beat --loglevel WARNING &
    pids+=($!)
  fi
else
  # Embedded default: periodic jobs (SLA sweeps…) in one process; one-off jobs run in the web process.
  python manage.py run_jobs &
  pids+=($!)
fi
gunicorn config.wsgi -c config/gunicorn.conf.py --bind "$host:$port" --workers 2 --threads 4 --log-level warning &
pids+=($!)

for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://$host:$port/accounts/login/" && break
  sleep 0.2
done
cat <<EOT

  Kefu is running at  http://$host:$port/
  API docs            http://$host:$port/api/docs/   (after logging in)

  Demo logins (password: kefu2026)
    admin       管理员 administrator (also /admin/)
    supervisor  主管 supervisor of 城东供电分公司
    manager     客户经理 account manager (own customers only)
    agent       客服专员 hotline agent
    handler     处理部门 repair crew
    auditor     审计员 auditor (read-only, audit trail)

  Press Ctrl-C to stop.
EOT
wait -n "${pids[@]}"
