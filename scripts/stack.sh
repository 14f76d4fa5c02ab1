#!/usr/bin/env bash
# Usage: scripts/stack.sh start|stop|status
#
# The docker-compose stack without Docker, from local binaries: redis-server (AOF), the gateway
# (target/prom-stream-gateway.jar with config.yml) and Debian's prometheus with the repo's
# prometheus/prometheus.yml and alerts.yml; Grafana too when a local grafana binary exists (it is not in
# Debian). Every server binds to 127.0.0.1. `stop` stops what `start` started, by the PIDs it recorded,
# and nothing else.
#
# Environment:
#   STACK_REDIS_PORT (6379), STACK_GATEWAY_PORT (9091), STACK_GATEWAY_ADMIN_PORT (9092),
#   STACK_PROMETHEUS_PORT (9090), STACK_GRAFANA_PORT (3000)   a port, or "auto" for a free one
#   STACK_REUSE_REDIS (1)       use a Redis already answering on STACK_REDIS_PORT (never stopped by `stop`)
#   STACK_SCRAPE_INTERVAL       override the scrape and rule evaluation intervals (e.g. 1s)
#   STACK_GRAFANA (auto)        auto: start Grafana when a grafana binary is found; 0: never; 1: must
#   STACK_DIR (.run/stack)      PIDs, logs, generated configs, Prometheus' data and Redis' AOF (the queue
#                               and the checkpoints); `.run/stack/env` holds the addresses
#                               (REDIS_URI, GATEWAY_URL, ...) for scripts/demo.sh and others
#   and what config.yml reads: REDIS_QUEUE_KEY, REDIS_WORKERS, SERIES_TTL, CHECKPOINT_INTERVAL, ...
#   JAVA_OPTS                   JVM options for the gateway
#   STACK_JAR                   the gateway's jar (target/prom-stream-gateway.jar)
set -euo pipefail
# a closed stdout (`make stack | head`) must not kill a half-started stack: writes just fail
trap "" PIPE

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${STACK_DIR:-$root/.run/stack}"
jar="${STACK_JAR:-$root/target/prom-stream-gateway.jar}"
services=(grafana prometheus gateway redis)   # the order `stop` goes in

# shellcheck source=scripts/stack-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-lib.sh"

# ---- processes --------------------------------------------------------------------------------------

# A substring of /proc/PID/cmdline that proves PID is still the process we started (PIDs get reused).
# redis-server rewrites its title to "redis-server 127.0.0.1:PORT".
cmdline_mark() {
  case "$1" in
    redis) echo "redis-server" ;;
    gateway) echo "prom-stream-gateway.jar" ;;
    prometheus) echo "$dir/prometheus.yml" ;;
    grafana) echo "grafana" ;;
  esac
}

pid_of() {  # prints the PID of a service this script started and that still runs
  local pidfile="$dir/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(cmdline_mark "$1")" || return 1
  echo "$pid"
}

stop_service() {
  local name="$1" pid deadline
  if ! pid="$(pid_of "$name")"; then
    rm -f "$dir/$name.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  # the gateway finishes the batches in hand within redis.shutdownGrace (30s)
  deadline=$((SECONDS + 40))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "!! $name (pid $pid) ignored SIGTERM for 40s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/$name.pid"
  log "stopped $name (pid $pid)"
}


# start NAME LOGFILE COMMAND...: runs COMMAND in the background, detached from this shell, records its PID
start_service() {
  local name="$1" logfile="$2"
  shift 2
  nohup "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

# ---- waiting ----------------------------------------------------------------------------------------


redis_answers() {  # RESP PING over bash's /dev/tcp
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'PING\r\n' >&3
    reply=""
    read -r -t 2 reply <&3 || true
    [[ "$reply" == "+PONG"* || "$reply" == "-NOAUTH"* ]]
  ) 2>/dev/null
}


# wait_until NAME SECONDS COMMAND...: polls COMMAND every 0.2s until it succeeds, the service dies or time
# is up; on failure shows the end of the service's log

# ---- ports ------------------------------------------------------------------------------------------

taken_ports=" "

pick_port() {  # pick_port VAR VALUE: sets VAR to VALUE, or to a free port for "auto"
  local port="$2"
  if [ "$port" = auto ] || [ "$port" = 0 ]; then
    port="$(free_port)"
  fi
  [[ "$port" =~ ^[0-9]+$ ]] || die "not a port: $port"
  [[ "$taken_ports" != *" $port "* ]] || die "port $port is given twice"
  taken_ports+="$port "
  printf -v "$1" '%s' "$port"
}

# ---- start ------------------------------------------------------------------------------------------

start() {
  local running=() name
  for name in "${services[@]}"; do
    if pid_of "$name" >/dev/null; then running+=("$name"); fi
  done
  if [ ${#running[@]} -gt 0 ]; then
    log "already running (${running[*]}); stop it first with: make stack-down"
    status
    return 0
  fi

  [ -f "$jar" ] || die "$jar is missing; build it with: make build"
  "$root/scripts/ensure-package.sh" java openjdk-17-jre-headless
  "$root/scripts/ensure-package.sh" redis-server redis-server
  "$root/scripts/ensure-package.sh" prometheus prometheus
  "$root/scripts/ensure-package.sh" promtool prometheus
  "$root/scripts/ensure-package.sh" curl curl

  local redis_port gw_port admin_port prom_port grafana_port
  pick_port redis_port "${STACK_REDIS_PORT:-6379}"
  pick_port gw_port "${STACK_GATEWAY_PORT:-9091}"
  pick_port admin_port "${STACK_GATEWAY_ADMIN_PORT:-9092}"
  pick_port prom_port "${STACK_PROMETHEUS_PORT:-9090}"
  pick_port grafana_port "${STACK_GRAFANA_PORT:-3000}"

  local grafana_bin=""
  case "${STACK_GRAFANA:-auto}" in
    0) ;;
    auto | 1)
      if command -v grafana >/dev/null 2>&1; then
        grafana_bin="grafana"
      elif command -v grafana-server >/dev/null 2>&1; then
        grafana_bin="grafana-server"
      elif [ "${STACK_GRAFANA:-auto}" = 1 ]; then
        die "STACK_GRAFANA=1 but no grafana binary on the PATH (Grafana is not in Debian; see grafana.com)"
      fi
      ;;
    *) die "STACK_GRAFANA must be auto, 0 or 1" ;;
  esac

  local reuse_redis=0
  if redis_answers "$redis_port" && [ "${STACK_REUSE_REDIS:-1}" = 1 ]; then
    reuse_redis=1
  elif port_open "$redis_port"; then
    die "port $redis_port is in use (set STACK_REDIS_PORT, or auto)"
  fi
  if port_open "$gw_port"; then die "port $gw_port is in use (set STACK_GATEWAY_PORT, or auto)"; fi
  if port_open "$admin_port"; then die "port $admin_port is in use (set STACK_GATEWAY_ADMIN_PORT, or auto)"; fi
  if port_open "$prom_port"; then die "port $prom_port is in use (set STACK_PROMETHEUS_PORT, or auto)"; fi
  if [ -n "$grafana_bin" ] && port_open "$grafana_port"; then
    die "port $grafana_port is in use (set STACK_GRAFANA_PORT, or auto)"
  fi

  mkdir -p "$dir"
  # from here on, any failure or interruption stops whatever was started
  start_done=0
  # shellcheck disable=SC2154  # rc is assigned inside the trap
  trap 'rc=$?; trap "" PIPE; if [ "$start_done" != 1 ]; then echo "!! start failed; stopping what was started" >&2; stop_all; fi; exit $rc' EXIT
  trap 'exit 130' INT TERM

  # Prometheus: the repo's configuration, pointed at this gateway
  local config="$dir/prometheus.yml"
  sed -e "s/gateway:9091/127.0.0.1:$gw_port/" -e "s/localhost:9090/127.0.0.1:$prom_port/" \
    "$root/prometheus/prometheus.yml" >"$config"
  if [ -n "${STACK_SCRAPE_INTERVAL:-}" ]; then
    sed -i -e "s/^\(  scrape_interval:\).*/\1 $STACK_SCRAPE_INTERVAL/" \
      -e "s/^\(  evaluation_interval:\).*/\1 $STACK_SCRAPE_INTERVAL/" "$config"
  fi
  cp "$root/prometheus/alerts.yml" "$dir/alerts.yml"
  grep -q "127.0.0.1:$gw_port" "$config" || die "prometheus/prometheus.yml no longer targets gateway:9091"
  promtool check config "$config" >"$dir/promtool.log" 2>&1 || { cat "$dir/promtool.log" >&2; false; }

  if [ "$reuse_redis" = 1 ]; then
    log "using the Redis already answering on 127.0.0.1:$redis_port (stack-down leaves it running)"
  else
    start_service redis "$dir/redis.log" redis-server --port "$redis_port" --bind 127.0.0.1 \
      --save "" --appendonly yes --appendfsync everysec --dir "$dir"
    wait_until redis 10 redis_answers "$redis_port"
    log "redis-server on 127.0.0.1:$redis_port (pid $(cat "$dir/redis.pid"))"
  fi

  # The aggregated series are checkpointed into Redis, whose AOF is beside the PIDs: the next `make stack`
  # carries on where `make stack-down` left off, as Prometheus keeps its data.
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
  REDIS_URI="redis://127.0.0.1:$redis_port/0" GATEWAY_PORT="$gw_port" GATEWAY_ADMIN_PORT="$admin_port" \
    start_service gateway "$dir/gateway.log" java ${JAVA_OPTS:-} \
    "-Ddw.server.applicationConnectors[0].bindHost=127.0.0.1" \
    "-Ddw.server.adminConnectors[0].bindHost=127.0.0.1" \
    -jar "$jar" server "$root/config.yml"

  start_service prometheus "$dir/prometheus.log" prometheus \
    --config.file="$config" \
    --storage.tsdb.path="$dir/prometheus-data" \
    --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$prom_port" \
    --web.enable-lifecycle

  wait_until gateway 90 http_ok "http://127.0.0.1:$admin_port/healthcheck"
  log "gateway on 127.0.0.1:$gw_port, admin 127.0.0.1:$admin_port (pid $(cat "$dir/gateway.pid"))"
  wait_until prometheus 60 http_ok "http://127.0.0.1:$prom_port/-/ready"
  log "prometheus on 127.0.0.1:$prom_port (pid $(cat "$dir/prometheus.pid"))"

  if [ -n "$grafana_bin" ] && ! start_grafana "$grafana_bin" "$grafana_port" "$prom_port"; then
    if [ "${STACK_GRAFANA:-auto}" = 1 ]; then
      die "Grafana did not start"
    fi
    echo "!! Grafana did not start (see $dir/grafana.log); going on without it" >&2
    stop_service grafana
  fi

  local queue_key="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"
  cat >"$dir/env" <<EOF
REDIS_URI=redis://127.0.0.1:$redis_port/0
REDIS_QUEUE_KEY=$(printf %q "$queue_key")
GATEWAY_URL=http://127.0.0.1:$gw_port
GATEWAY_ADMIN_URL=http://127.0.0.1:$admin_port
PROMETHEUS_URL=http://127.0.0.1:$prom_port
EOF
  if pid_of grafana >/dev/null; then echo "GRAFANA_URL=http://127.0.0.1:$grafana_port" >>"$dir/env"; fi
  start_done=1

  echo
  echo "   metrics     http://127.0.0.1:$gw_port/metrics"
  echo "   health      http://127.0.0.1:$admin_port/healthcheck"
  echo "   prometheus  http://127.0.0.1:$prom_port/targets"
  if pid_of grafana >/dev/null; then
    echo "   grafana     http://127.0.0.1:$grafana_port (dashboard \"Prometheus Stream Gateway\")"
  fi
  echo "   push        redis-cli -p $redis_port LPUSH $queue_key '{\"type\":\"counter\",\"name\":\"hello_total\",\"value\":1}'"
  echo "   demo data   make demo        stop everything: make stack-down"
}

start_grafana() {
  local bin="$1" port="$2" prom_port="$3" home="${GRAFANA_HOME:-/usr/share/grafana}"
  local gdir="$dir/grafana"
  mkdir -p "$gdir/provisioning/datasources" "$gdir/provisioning/dashboards" "$gdir/data" "$gdir/logs" \
    "$gdir/plugins"
  sed "s#http://prometheus:9090#http://127.0.0.1:$prom_port#" \
    "$root/grafana/provisioning/datasources/prometheus.yml" >"$gdir/provisioning/datasources/prometheus.yml"
  sed "s#/etc/grafana/dashboards#$root/grafana/dashboards#" \
    "$root/grafana/provisioning/dashboards/prom-stream-gateway.yml" \
    >"$gdir/provisioning/dashboards/prom-stream-gateway.yml"
  local args=(--homepath "$home")
  if [ "$bin" = grafana ]; then args=(server "${args[@]}"); fi
  GF_PATHS_DATA="$gdir/data" GF_PATHS_LOGS="$gdir/logs" GF_PATHS_PLUGINS="$gdir/plugins" \
    GF_PATHS_PROVISIONING="$gdir/provisioning" \
    GF_SERVER_HTTP_ADDR=127.0.0.1 GF_SERVER_HTTP_PORT="$port" \
    GF_AUTH_ANONYMOUS_ENABLED=true GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer \
    GF_ANALYTICS_REPORTING_ENABLED=false GF_ANALYTICS_CHECK_FOR_UPDATES=false \
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH="$root/grafana/dashboards/prom-stream-gateway.json" \
    start_service grafana "$dir/grafana.log" "$bin" "${args[@]}"
  wait_until grafana 60 http_ok "http://127.0.0.1:$port/api/health" || return 1
  log "grafana on 127.0.0.1:$port (pid $(cat "$dir/grafana.pid"))"
}

status() {
  local name pid any=0
  for name in redis gateway prometheus grafana; do
    if pid="$(pid_of "$name")"; then
      echo "   $name: running (pid $pid)"
      any=1
    fi
  done
  if [ "$any" = 1 ] && [ -f "$dir/env" ]; then
    sed 's/^/   /' "$dir/env"
  elif [ "$any" = 0 ]; then
    echo "   nothing started by scripts/stack.sh is running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_all
    rm -f "$dir/promtool.log"
    ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
