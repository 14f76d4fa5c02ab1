#!/usr/bin/env bash
# Usage: scripts/stack-cluster.sh start|stop|status
#
# The docker-compose profile `cluster` without Docker, from local binaries: a Redis Cluster of 6
# redis-server processes (3 masters, 3 replicas) on 127.0.0.1:7001-7006, two gateways
# (target/prom-stream-gateway.jar with config.yml) sharing the queue's 12 shards through it, and Debian's
# prometheus scraping both with the repo's prometheus/prometheus-cluster.yml and alerts.yml. Every server
# binds to 127.0.0.1. `stop` stops what `start` started, by the PIDs it recorded, and nothing else.
#
# The nodes keep their data (AOF) and their cluster configuration (nodes.conf) in the state directory: the
# next `start` finds the same cluster again, with the gateways' checkpoints in it. Remove the directory to
# start from an empty cluster.
#
# Environment:
#   STACK_CLUSTER_REDIS_PORT (7001)   the first node's port; the nodes take it and the next 5, and their
#                                     cluster bus ports (+10000) must be free too
#   STACK_CLUSTER_GATEWAY_A_PORT (9191), STACK_CLUSTER_GATEWAY_A_ADMIN_PORT (9291),
#   STACK_CLUSTER_GATEWAY_B_PORT (9192), STACK_CLUSTER_GATEWAY_B_ADMIN_PORT (9292),
#   STACK_CLUSTER_PROMETHEUS_PORT (9190)                     a port, or "auto" for a free one
#   REDIS_QUEUE_SHARDS (12)           the shards the queue is split into (both gateways get the same)
#   STACK_SCRAPE_INTERVAL             override the scrape and rule evaluation intervals (e.g. 1s)
#   STACK_CLUSTER_DIR (.run/stack-cluster)   PIDs, logs, the nodes' data, generated configs, Prometheus'
#                                     data; `.run/stack-cluster/env` holds the addresses
#   and what config.yml reads: REDIS_QUEUE_KEY, REDIS_WORKERS, SERIES_TTL, ...
#   JAVA_OPTS                         JVM options for the gateways
#   STACK_JAR                         the gateway's jar (target/prom-stream-gateway.jar)
set -euo pipefail
# a closed stdout (`make stack-cluster | head`) must not kill a half-started stack: writes just fail
trap "" PIPE

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${STACK_CLUSTER_DIR:-$root/.run/stack-cluster}"
jar="${STACK_JAR:-$root/target/prom-stream-gateway.jar}"
node_count=6
redis_base="${STACK_CLUSTER_REDIS_PORT:-7001}"
if ! [[ "$redis_base" =~ ^[0-9]+$ ]] || [ "$redis_base" -lt 1 ] || [ "$redis_base" -gt $((55535 - node_count)) ]; then
  echo "!! STACK_CLUSTER_REDIS_PORT must be a port number up to $((55535 - node_count)) (bus ports are +10000)" >&2
  exit 1
fi
redis_ports=()
for i in $(seq 1 "$node_count"); do redis_ports+=($((redis_base + i - 1))); done
nodes=()   # redis-1 .. redis-6
for i in $(seq 1 "$node_count"); do nodes+=("redis-$i"); done
# the order `stop` goes in: the gateways before Redis, so that they can hand their shards back
services=(prometheus gateway-b gateway-a)
for ((i = node_count; i >= 1; i--)); do services+=("redis-$i"); done

# shellcheck source=scripts/stack-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-lib.sh"

# ---- processes --------------------------------------------------------------------------------------

# Each service's PID is in NAME.pid and, in NAME.mark, substrings (separated by `|`) one of which its
# /proc/PID/cmdline must hold: the proof that PID is still the process we started (PIDs get reused).
pid_of() {  # prints the PID of a service this script started and that still runs
  local pidfile="$dir/$1.pid" pid cmdline mark marks
  [ -f "$pidfile" ] && [ -f "$dir/$1.mark" ] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  IFS='|' read -r -a marks <"$dir/$1.mark"
  for mark in "${marks[@]}"; do
    if [[ "$cmdline" == *"$mark"* ]]; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

alive() {  # alive PID: runs and is not a zombie waiting to be reaped by whoever adopted it
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

stop_service() {
  local name="$1" pid deadline
  if ! pid="$(pid_of "$name")"; then
    rm -f "$dir/$name.pid" "$dir/$name.mark"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  # a gateway finishes the batches in hand within redis.shutdownGrace (30s)
  deadline=$((SECONDS + 40))
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if alive "$pid"; then
    echo "!! $name (pid $pid) ignored SIGTERM for 40s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/$name.pid" "$dir/$name.mark"
  log "stopped $name (pid $pid)"
}


# start NAME MARKS LOGFILE COMMAND...: runs COMMAND in the background, detached from this shell, records its
# PID and the marks that recognise it
start_service() {
  local name="$1" recognise="$2" logfile="$3"
  shift 3
  nohup "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
  printf '%s\n' "$recognise" >"$dir/$name.mark"
}

# ---- waiting ----------------------------------------------------------------------------------------


redis_answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

cluster_field() {  # cluster_field PORT FIELD: a field of CLUSTER INFO
  redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

cluster_ok() { [ "$(cluster_field "$1" cluster_state)" = ok ]; }

replicas_ok() {  # the first node sees half the nodes as replicas
  [ "$(redis-cli -h 127.0.0.1 -p "$1" cluster nodes 2>/dev/null | grep -c slave)" -ge $((node_count / 2)) ]
}


# wait_until NAME SECONDS COMMAND...: polls COMMAND every 0.2s until it succeeds, the service dies or time
# is up; on failure shows the end of the service's log

# health URL: "healthy", or "unhealthy (HTTP code): the start of the body"
health() {
  local body code
  body="$(mktemp)"
  code="$(curl -sS -o "$body" -w '%{http_code}' --max-time 3 "$1" 2>/dev/null)" || code="none"
  if [ "$code" = 200 ]; then
    echo "healthy"
  else
    echo "unhealthy (HTTP $code): $(head -c 300 "$body" | tr '\n' ' ')"
  fi
  rm -f "$body"
}

# ---- ports ------------------------------------------------------------------------------------------

taken_ports=" "
for p in "${redis_ports[@]}"; do taken_ports+="$p $((p + 10000)) "; done

pick_port() {  # pick_port VAR VALUE: sets VAR to VALUE, or to a free port for "auto"
  local port="$2"
  if [ "$port" = auto ] || [ "$port" = 0 ]; then
    port="$(free_port)"
  fi
  [[ "$port" =~ ^[0-9]+$ ]] || die "not a port: $port"
  [[ "$taken_ports" != *" $port "* ]] || die "port $port is given twice (the Redis nodes take ${redis_ports[*]} and +10000)"
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
    log "already running (${running[*]}); stop it first with: make stack-cluster-down"
    status
    return 0
  fi

  [ -f "$jar" ] || die "$jar is missing; build it with: make build"
  "$root/scripts/ensure-package.sh" java openjdk-17-jre-headless
  "$root/scripts/ensure-package.sh" redis-server redis-server
  "$root/scripts/ensure-package.sh" redis-cli redis-tools
  "$root/scripts/ensure-package.sh" prometheus prometheus
  "$root/scripts/ensure-package.sh" promtool prometheus
  "$root/scripts/ensure-package.sh" curl curl

  local a_port a_admin b_port b_admin prom_port shards="${REDIS_QUEUE_SHARDS:-12}"
  [[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "REDIS_QUEUE_SHARDS must be a positive number, not $shards"
  pick_port a_port "${STACK_CLUSTER_GATEWAY_A_PORT:-9191}"
  pick_port a_admin "${STACK_CLUSTER_GATEWAY_A_ADMIN_PORT:-9291}"
  pick_port b_port "${STACK_CLUSTER_GATEWAY_B_PORT:-9192}"
  pick_port b_admin "${STACK_CLUSTER_GATEWAY_B_ADMIN_PORT:-9292}"
  pick_port prom_port "${STACK_CLUSTER_PROMETHEUS_PORT:-9190}"

  local p
  for p in "${redis_ports[@]}"; do
    if port_open "$p"; then die "port $p is in use (the nodes take ${redis_ports[*]}; set STACK_CLUSTER_REDIS_PORT)"; fi
    if port_open $((p + 10000)); then
      die "port $((p + 10000)) (cluster bus of $p) is in use (set STACK_CLUSTER_REDIS_PORT)"
    fi
  done
  for p in "$a_port" "$a_admin" "$b_port" "$b_admin" "$prom_port"; do
    if port_open "$p"; then die "port $p is in use (set the STACK_CLUSTER_*_PORT variables, or auto)"; fi
  done

  mkdir -p "$dir"
  # from here on, any failure or interruption stops whatever was started
  start_done=0
  # shellcheck disable=SC2154  # rc is assigned inside the trap
  trap 'rc=$?; trap "" PIPE; if [ "$start_done" != 1 ]; then echo "!! start failed; stopping what was started" >&2; stop_all; fi; exit $rc' EXIT
  trap 'exit 130' INT TERM

  # Prometheus: the repo's cluster configuration, pointed at these gateways
  local config="$dir/prometheus.yml"
  sed -e "s/gateway-a:9091/127.0.0.1:$a_port/" -e "s/gateway-b:9091/127.0.0.1:$b_port/" \
    -e "s/localhost:9090/127.0.0.1:$prom_port/" "$root/prometheus/prometheus-cluster.yml" >"$config"
  if [ -n "${STACK_SCRAPE_INTERVAL:-}" ]; then
    sed -i -e "s/^\(  scrape_interval:\).*/\1 $STACK_SCRAPE_INTERVAL/" \
      -e "s/^\(  evaluation_interval:\).*/\1 $STACK_SCRAPE_INTERVAL/" "$config"
  fi
  cp "$root/prometheus/alerts.yml" "$dir/alerts.yml"
  if ! grep -q "127.0.0.1:$a_port" "$config" || ! grep -q "127.0.0.1:$b_port" "$config"; then
    die "prometheus/prometheus-cluster.yml no longer targets gateway-a:9091 and gateway-b:9091"
  fi
  promtool check config "$config" >"$dir/promtool.log" 2>&1 || { cat "$dir/promtool.log" >&2; false; }

  # ---- the Redis Cluster
  local i port ndir
  for i in $(seq 1 "$node_count"); do
    port="${redis_ports[$((i - 1))]}"
    ndir="$dir/redis-$port"
    mkdir -p "$ndir"
    # redis-server retitles itself "redis-server 127.0.0.1:PORT [cluster]"
    start_service "redis-$i" "127.0.0.1:$port |--port $port " "$dir/redis-$i.log" \
      redis-server --port "$port" --bind 127.0.0.1 --dir "$ndir" \
      --cluster-enabled yes --cluster-config-file "$ndir/nodes.conf" --cluster-node-timeout 5000 \
      --appendonly yes --save ""
  done
  for i in $(seq 1 "$node_count"); do
    wait_until "redis-$i" 10 redis_answers "${redis_ports[$((i - 1))]}"
  done
  log "redis-server cluster nodes on 127.0.0.1:${redis_ports[0]}-${redis_ports[$((node_count - 1))]}" \
    "(pids $(for n in "${nodes[@]}"; do printf '%s ' "$(cat "$dir/$n.pid")"; done | sed 's/ $//'))"

  # a new cluster, or the one the nodes' nodes.conf already describe
  local formed=0 empty=0 addresses=()
  for port in "${redis_ports[@]}"; do
    addresses+=("127.0.0.1:$port")
    if [ "$(cluster_field "$port" cluster_slots_assigned)" = 16384 ] &&
      [ "$(cluster_field "$port" cluster_known_nodes)" = "$node_count" ]; then
      formed=$((formed + 1))
    elif [ "$(cluster_field "$port" cluster_known_nodes)" = 1 ] &&
      [ "$(cluster_field "$port" cluster_slots_assigned)" = 0 ]; then
      empty=$((empty + 1))
    fi
  done
  if [ "$empty" = "$node_count" ]; then
    log "creating the cluster: redis-cli --cluster create ${addresses[*]} --cluster-replicas 1 --cluster-yes"
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$dir/cluster-create.log" 2>&1 ||
      { tail -n 30 "$dir/cluster-create.log" >&2; die "redis-cli --cluster create failed (all of it in $dir/cluster-create.log)"; }
  elif [ "$formed" = "$node_count" ]; then
    log "the nodes found their cluster again (nodes.conf and AOF in $dir/redis-*)"
  else
    die "the nodes in $dir are neither one cluster nor empty ($formed formed, $empty empty); remove $dir/redis-* to start from an empty cluster"
  fi
  for i in $(seq 1 "$node_count"); do
    wait_until "redis-$i" 30 cluster_ok "${redis_ports[$((i - 1))]}"
  done
  wait_until redis-1 30 replicas_ok "${redis_ports[0]}"
  log "cluster_state:ok on every node: $(redis-cli -h 127.0.0.1 -p "${redis_ports[0]}" cluster nodes |
    awk '{sub(/@.*/, "", $2); sub(/myself,/, "", $3); printf "%s%s %s", sep, $2, $3; sep=", "}')"

  # ---- two gateways. The state is checkpointed into Redis: no PERSISTENCE_FILE (two would share one)
  local cluster_nodes
  cluster_nodes="$(IFS=,; echo "${addresses[*]}")"
  local g gw_port gw_admin
  for g in a b; do
    if [ "$g" = a ]; then gw_port="$a_port" gw_admin="$a_admin"; else gw_port="$b_port" gw_admin="$b_admin"; fi
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
    REDIS_CLUSTER_NODES="$cluster_nodes" REDIS_QUEUE_SHARDS="$shards" \
    REDIS_URI="redis://127.0.0.1:${redis_ports[0]}/0" \
      start_service "gateway-$g" "-Dstack.cluster.gateway=$g " "$dir/gateway-$g.log" java ${JAVA_OPTS:-} \
      "-Dstack.cluster.gateway=$g" \
      "-Ddw.server.applicationConnectors[0].port=$gw_port" \
      "-Ddw.server.applicationConnectors[0].bindHost=127.0.0.1" \
      "-Ddw.server.adminConnectors[0].port=$gw_admin" \
      "-Ddw.server.adminConnectors[0].bindHost=127.0.0.1" \
      -jar "$jar" server "$root/config.yml"
  done

  start_service prometheus "$config" "$dir/prometheus.log" prometheus \
    --config.file="$config" \
    --storage.tsdb.path="$dir/prometheus-data" \
    --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$prom_port" \
    --web.enable-lifecycle

  # up = GET / answers; whether it is healthy (Redis reachable, workers alive, backlog) is reported, not
  # waited for
  wait_until gateway-a 90 http_ok "http://127.0.0.1:$a_port/"
  log "gateway-a on 127.0.0.1:$a_port, admin 127.0.0.1:$a_admin (pid $(cat "$dir/gateway-a.pid")):" \
    "$(health "http://127.0.0.1:$a_port/api/health")"
  wait_until gateway-b 90 http_ok "http://127.0.0.1:$b_port/"
  log "gateway-b on 127.0.0.1:$b_port, admin 127.0.0.1:$b_admin (pid $(cat "$dir/gateway-b.pid")):" \
    "$(health "http://127.0.0.1:$b_port/api/health")"
  wait_until prometheus 60 http_ok "http://127.0.0.1:$prom_port/-/ready"
  log "prometheus on 127.0.0.1:$prom_port (pid $(cat "$dir/prometheus.pid"))"

  local queue_key="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"
  cat >"$dir/env" <<EOF
REDIS_CLUSTER_NODES=$cluster_nodes
REDIS_QUEUE_KEY=$(printf %q "$queue_key")
REDIS_QUEUE_SHARDS=$shards
GATEWAY_A_URL=http://127.0.0.1:$a_port
GATEWAY_A_ADMIN_URL=http://127.0.0.1:$a_admin
GATEWAY_B_URL=http://127.0.0.1:$b_port
GATEWAY_B_ADMIN_URL=http://127.0.0.1:$b_admin
PROMETHEUS_URL=http://127.0.0.1:$prom_port
EOF
  start_done=1

  echo
  echo "   metrics     http://127.0.0.1:$a_port/metrics  http://127.0.0.1:$b_port/metrics"
  echo "   health      http://127.0.0.1:$a_port/api/health  http://127.0.0.1:$b_port/api/health"
  echo "   prometheus  http://127.0.0.1:$prom_port/targets   (query: sum without (instance) (...))"
  echo "   push        redis-cli -c -p ${redis_ports[0]} LPUSH '$queue_key:{3}' '{\"type\":\"counter\",\"name\":\"hello_total\",\"value\":1}'"
  echo "               (shard {i} of $shards; or POST the JSON to either gateway's /api/metrics)"
  echo "   stop everything: make stack-cluster-down"
}

status() {
  local name pid any=0
  for name in "${nodes[@]}" gateway-a gateway-b prometheus; do
    if pid="$(pid_of "$name")"; then
      echo "   $name: running (pid $pid)"
      any=1
    fi
  done
  if [ "$any" = 0 ]; then
    echo "   nothing started by scripts/stack-cluster.sh is running"
    return 0
  fi
  if pid_of redis-1 >/dev/null; then
    echo "   cluster: cluster_state:$(cluster_field "${redis_ports[0]}" cluster_state)," \
      "$(cluster_field "${redis_ports[0]}" cluster_known_nodes) nodes," \
      "$(cluster_field "${redis_ports[0]}" cluster_slots_assigned) slots assigned"
  fi
  if [ -f "$dir/env" ]; then
    local url
    for name in a b; do
      url="$(sed -n "s/^GATEWAY_${name^^}_URL=//p" "$dir/env")"
      if [ -n "$url" ] && pid_of "gateway-$name" >/dev/null; then
        echo "   gateway-$name: $(health "$url/api/health")"
      fi
    done
    sed 's/^/   /' "$dir/env"
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
