#!/usr/bin/env bash
# Keep a command running: start it again (after KFQ_RESTART_DELAY seconds, default 2) whenever it
# stops. SIGTERM or SIGINT stop the command, then the loop. `./run` keeps the job worker up with it:
#   scripts/keep_running.sh .venv/bin/python manage.py run_jobs
set -uo pipefail
delay="${KFQ_RESTART_DELAY:-2}"
pid=""
stop() {
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT
while true; do
  "$@" &
  pid=$!
  status=0
  wait "$pid" || status=$?
  pid=""
  echo "==> $1 stopped (exit status $status); restarting in ${delay} s" >&2
  sleep "$delay" &
  wait $! || true
done
