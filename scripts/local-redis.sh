#!/usr/bin/env bash
# Usage: scripts/local-redis.sh start|stop [port]
# start: reuse a Redis already answering on localhost:<port>, else start redis-server (installing it if
# needed) in .run/ with AOF (the queue and the checkpoints of the aggregated series live in it). stop: stops only the redis-server this script started (by PID).
set -euo pipefail
action="${1:-start}"
port="${2:-6379}"
dir="$(cd "$(dirname "$0")/.." && pwd)/.run"
pidfile="$dir/redis-$port.pid"

answers() {
  # RESP PING over bash's /dev/tcp, so redis-cli is not needed
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'PING\r\n' >&3
    reply=""
    read -r -t 2 reply <&3 || true
    [[ "$reply" == "+PONG"* || "$reply" == "-NOAUTH"* ]]
  ) 2>/dev/null
}

case "$action" in
  start)
    if answers; then
      echo ">> using the Redis already answering on localhost:$port"
      exit 0
    fi
    "$(dirname "$0")/ensure-package.sh" redis-server redis-server
    if answers; then  # installing Debian's package may have started its service
      echo ">> using the Redis service on localhost:$port"
      exit 0
    fi
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --daemonize yes \
      --pidfile "$pidfile" --dir "$dir" --logfile "$dir/redis-$port.log"
    for _ in $(seq 1 50); do
      if answers; then
        echo ">> started redis-server on localhost:$port (pid $(cat "$pidfile")); stop it with: make stop"
        exit 0
      fi
      sleep 0.1
    done
    echo "!! redis-server did not come up; see $dir/redis-$port.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null && echo ">> stopped redis-server (pid $(cat "$pidfile"))" || true
      rm -f "$pidfile"
    else
      echo ">> no redis-server started by make on port $port"
    fi
    ;;
  *)
    echo "usage: $0 start|stop [port]" >&2
    exit 2
    ;;
esac
