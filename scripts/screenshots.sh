#!/usr/bin/env bash
# Screenshots of every demo user's home and the dashboard, desktop (1366 px) and phone (390 px), into
# var/screenshots/ (or the folder given). Builds a throw-away demo database; the platform's own is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --browser
out="$(realpath -m "${1:-var/screenshots}")"
work="$(mktemp -d)"
trap 'if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export KFQ_VAR_DIR="$work" KFQ_DEMO=1
unset DATABASE_URL
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py build_demo > /dev/null
port="${KFQ_SCREENSHOT_PORT:-8765}"
.venv/bin/gunicorn kaifaqu.wsgi:application --bind "127.0.0.1:$port" --workers 2 --error-logfile "$work/server.log" &
server=$!
.venv/bin/python scripts/screenshots.py "http://127.0.0.1:$port" "$out"
