#!/usr/bin/env bash
# Helpers shared by scripts/stack.sh and scripts/stack-cluster.sh (sourced; they read the caller's $dir and
# services, and pid_of / stop_service, which each script defines for its own services).

die() { echo "!! $*" >&2; exit 1; }

log() { echo ">> $*" || true; }

free_port() {  # a port nobody listens on, below Linux's ephemeral range so no outgoing connection gets it
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ "$taken_ports" != *" $port "* ]] && ! port_open "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_all() {
  local name
  for name in "${services[@]}"; do
    stop_service "$name"
  done
  rm -f "$dir/env"
}

wait_until() {
  local name="$1" seconds="$2" deadline gone=0
  shift 2
  deadline=$((SECONDS + seconds))
  while ! "$@"; do
    # gone on two polls in a row: redis-server rewrites its title at start, and /proc/PID/cmdline read in that
    # instant can miss it (seen once: a Redis that was ready was taken for dead)
    if [ -f "$dir/$name.pid" ] && ! pid_of "$name" >/dev/null; then
      gone=$((gone + 1))
    else
      gone=0
    fi
    if [ "$gone" -ge 2 ]; then
      echo "!! $name exited while starting; the end of $dir/$name.log:" >&2
      tail -n 30 "$dir/$name.log" >&2 || true
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "!! $name not ready after ${seconds}s; the end of $dir/$name.log:" >&2
      tail -n 30 "$dir/$name.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}
