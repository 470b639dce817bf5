#!/usr/bin/env bash
# Starts the loopback PostgreSQL and Redis servers when they are not answering (they normally run
# already on these machines). Tests that need them use them as is.
set -u
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || echo "ensure-services: could not start PostgreSQL"
fi
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || echo "ensure-services: could not start Redis"
fi
exit 0
