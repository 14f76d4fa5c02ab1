#!/usr/bin/env bash
# Usage: scripts/e2e.sh
#
# End-to-end test with a real Prometheus. Starts, on free 127.0.0.1 ports (scripts/stack.sh with
# STACK_DIR in a temporary directory): redis-server, the gateway (target/prom-stream-gateway.jar, build it
# first with `make build`) and Debian's prometheus with the repo's prometheus/prometheus.yml scraping every
# second. Pushes the example workload (examples/README.md) through the PHP, Python and shell examples (and
# the Node one when examples/node/node_modules exists, or E2E_NODE=1 to `npm ci` it), two bad samples and
# two runs of examples/shell/with-metrics.sh, then asserts what Prometheus' query API answers: sums,
# histogram_quantile, summary quantiles, gauges (set and inc/dec), the meta metrics, the alert rules, and
# that every query of the Grafana dashboard evaluates. Everything started is stopped on exit (by PID).
#
# Then OTLP: a JSON export with curl, sent twice, and the OpenTelemetry Node SDK (examples/otel-node, installed
# with `npm ci` when the npm registry answers) as short-lived processes, delta and cumulative.
#
# Environment: E2E_NODE (auto|0|1), E2E_OTEL_NODE (auto|0|1: 1 fails when npm cannot install it), E2E_KEEP=1 keeps the temporary directory (logs, Prometheus' data),
# E2E_JAVA_OPTS (default -Xmx256m), STACK_JAR (another build of the gateway).
set -euo pipefail
cd "$(dirname "$0")/.."
began=$SECONDS
N=100   # requests per example run: the expected values below are for 100

log() { echo ">> $*"; }
die() { echo "!! $*" >&2; exit 1; }

# ---- what the test needs ----------------------------------------------------------------------------

[ -f "${STACK_JAR:-target/prom-stream-gateway.jar}" ] || die "target/prom-stream-gateway.jar is missing; run: make build"
scripts/ensure-package.sh redis-server redis-server
scripts/ensure-package.sh redis-cli redis-tools
scripts/ensure-package.sh prometheus prometheus
scripts/ensure-package.sh promtool prometheus
scripts/ensure-package.sh curl curl
scripts/ensure-package.sh jq jq
scripts/ensure-package.sh php php-cli
scripts/ensure-package.sh /usr/bin/python3 python3

# ensure_module CHECK-COMMAND PACKAGE: installs a Debian package that provides no command of its own
ensure_module() {
  if bash -c "$1" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then die "missing $2: sudo apt-get install $2"; fi
  log "installing Debian package $2"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
  bash -c "$1" >/dev/null 2>&1 || die "installed $2 but '$1' still fails"
}
ensure_module "php -r 'exit(extension_loaded(\"redis\") ? 0 : 1);'" php-redis
ensure_module "/usr/bin/python3 -c 'import redis'" python3-redis

senders=(php python shell)
case "${E2E_NODE:-auto}" in
  1)
    scripts/ensure-package.sh npm npm
    (cd examples/node && npm ci --no-audit --no-fund --loglevel=error)
    senders+=(node)
    ;;
  auto)
    if command -v node >/dev/null 2>&1 && [ -d examples/node/node_modules/redis ]; then
      senders+=(node)
    else
      log "the Node example is skipped (run 'npm ci' in examples/node, or E2E_NODE=1, to include it)"
    fi
    ;;
  0) ;;
  *) die "E2E_NODE must be auto, 0 or 1" ;;
esac
n=${#senders[@]}

# ---- assertions -------------------------------------------------------------------------------------

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "   ok    $1"; }
fail() { failed=$((failed + 1)); echo "   FAIL  $1" >&2; }

# check NAME COMMAND...: one assertion on a command's success; its output is shown when it fails
check() {
  local name="$1" output
  shift
  if output="$("$@" 2>&1)"; then
    pass "$name"
  else
    fail "$name"
    [ -z "$output" ] || echo "$output" | tail -n 20 | sed 's/^/         /' >&2
  fi
}

query() {  # the JSON answer of an instant query
  curl -fsS --max-time 5 "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" 2>/dev/null ||
    echo '{"status":"curl failed"}'
}

value_of() {  # the single value a query returns, or a word saying why there is none
  query "$1" | jq -r '
    if .status != "success" then "error:\(.error // .status)"
    elif .data.resultType == "scalar" then .data.result[1]
    elif (.data.result | length) == 1 then .data.result[0].value[1]
    else "\(.data.result | length)-results" end'
}

in_range() {  # in_range VALUE MIN MAX
  awk -v v="$1" -v lo="$2" -v hi="$3" \
    'BEGIN { exit !(v ~ /^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/ && v + 0 >= lo + 0 && v + 0 <= hi + 0) }'
}

# expect NAME QUERY MIN MAX: the query's single value lies in [MIN, MAX], at once or within 15 s (the meta
# metrics lag by up to one poll and one scrape)
expect() {
  local name="$1" promql="$2" lo="$3" hi="$4" value deadline=$((SECONDS + 15))
  while :; do
    value="$(value_of "$promql")"
    if in_range "$value" "$lo" "$hi"; then
      pass "$name = $value"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.5
  done
  if [ "$lo" = "$hi" ]; then fail "$name: $promql = $value, expected $lo"; else fail "$name: $promql = $value, expected $lo..$hi"; fi
}

expect_eq() {  # expect_eq NAME QUERY VALUE [TOLERANCE]
  local tol="${4:-1e-9}"
  expect "$1" "$2" "$(awk -v v="$3" -v t="$tol" 'BEGIN { printf "%.12g", v - t }')" \
    "$(awk -v v="$3" -v t="$tol" 'BEGIN { printf "%.12g", v + t }')"
}

# ---- the stack ----------------------------------------------------------------------------------------

STACK_DIR="$(mktemp -d /tmp/prom-stream-gateway-e2e.XXXXXX)"
export STACK_DIR
cleanup() {
  local rc=$?
  scripts/stack.sh stop >/dev/null || true
  if [ "$rc" != 0 ] || [ "${E2E_KEEP:-0}" = 1 ]; then
    echo ">> logs and data kept in $STACK_DIR" >&2
  else
    rm -rf "$STACK_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "checking the repo's Prometheus configuration and alert rules"
check "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
check "promtool check rules prometheus/alerts.yml" promtool check rules prometheus/alerts.yml
check "promtool test rules prometheus/alerts.test.yml" promtool test rules prometheus/alerts.test.yml
check "grafana dashboard is valid JSON" jq -e '.panels | length > 0' grafana/dashboards/prom-stream-gateway.json

# the gateway's settings, whatever the caller's environment says (config.yml reads these)
export REDIS_QUEUE_KEY=prom-stream-gateway:metric-queue REDIS_DEAD_LETTER_KEY=prom-stream-gateway:dead-letter
export REDIS_WORKERS=2 SERIES_TTL=0s

log "starting redis-server, the gateway and prometheus (scrape interval 1s) on free ports"
STACK_REDIS_PORT=auto STACK_GATEWAY_PORT=auto STACK_GATEWAY_ADMIN_PORT=auto STACK_PROMETHEUS_PORT=auto \
  STACK_REUSE_REDIS=0 STACK_SCRAPE_INTERVAL=1s STACK_GRAFANA=0 JAVA_OPTS="${E2E_JAVA_OPTS:--Xmx256m}" \
  scripts/stack.sh start >"$STACK_DIR/stack-start.log" 2>&1 || { cat "$STACK_DIR/stack-start.log" >&2; die "the stack did not start"; }
set -a
# shellcheck disable=SC1091
. "$STACK_DIR/env"
set +a
queue_key="$REDIS_QUEUE_KEY"
log "up after $((SECONDS - began))s: $REDIS_URI, $GATEWAY_URL, $PROMETHEUS_URL"

# ---- pushing ------------------------------------------------------------------------------------------

# a first scrape before any sample, so that Prometheus sees every counter rise from 0
deadline=$((SECONDS + 30))
until [ "$(value_of 'up{job="prom-stream-gateway"}')" = 1 ]; do
  [ "$SECONDS" -lt "$deadline" ] || die "Prometheus has not scraped the gateway after 30s"
  sleep 0.2
done

log "pushing: 2 bad samples, the example workload from ${senders[*]}, 2 runs of with-metrics.sh"
redis-cli -u "$REDIS_URI" LPUSH "$queue_key" '{"type":"counter","name":"e2e_broken"' >/dev/null                    # invalid_json
redis-cli -u "$REDIS_URI" LPUSH "$queue_key" '{"type":"counter","name":"e2e_negative_total","value":-1}' >/dev/null # invalid_value
for sender in "${senders[@]}"; do
  case "$sender" in
    php) php examples/php/push_metrics.php --count=$N --sender=php ;;
    python) /usr/bin/python3 examples/python/push_metrics.py --count $N --sender python ;;
    shell) examples/shell/push-metrics.sh --count $N --sender shell ;;
    node) node examples/node/push-metrics.js --count=$N --sender=node ;;
  esac
done
check "with-metrics.sh passes a success through" examples/shell/with-metrics.sh e2e_task -- true
check "with-metrics.sh passes a failure through" bash -c '! examples/shell/with-metrics.sh e2e_task -- false'
valid=$((5 * N * n + 3 + 2))   # with-metrics.sh: counter, histogram, gauge on success; counter, histogram on failure

log "waiting until Prometheus has scraped all $valid samples and the 2 rejections"
deadline=$((SECONDS + 60))
total_query='sum(prom_stream_gateway_processed_metrics_total) + sum(prom_stream_gateway_dropped_metrics_total)'
until [ "$(value_of "$total_query")" = "$((valid + 2))" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { fail "Prometheus saw $(value_of "$total_query") samples, expected $((valid + 2))"; break; }
  sleep 0.5
done

# ---- what Prometheus answers ---------------------------------------------------------------------------

log "asserting Prometheus query results ($((SECONDS - began))s in)"
expect_eq "gateway target is up" 'up{job="prom-stream-gateway"}' 1
expect "gateway scrape has samples" 'scrape_samples_scraped{job="prom-stream-gateway"}' 100 1e9
expect_eq "processed samples (meta)" 'sum(prom_stream_gateway_processed_metrics_total)' "$valid"
expect_eq "dropped invalid_json (meta)" 'prom_stream_gateway_dropped_metrics_total{reason="invalid_json"}' 1
expect_eq "dropped invalid_value (meta)" 'prom_stream_gateway_dropped_metrics_total{reason="invalid_value"}' 1
expect_eq "dropped in all (meta)" 'sum(prom_stream_gateway_dropped_metrics_total)' 2
expect_eq "queue drained (meta)" 'sum(prom_stream_gateway_redis_queue_pending_size)' 0
expect_eq "series (meta): 8 per sender + 4" 'prom_stream_gateway_series' $((8 * n + 4))
expect_eq "families (meta)" 'prom_stream_gateway_families' 8
expect_eq "no Redis errors (meta)" 'sum(prom_stream_gateway_redis_errors_total)' 0

# counters
expect_eq "counter: requests over all senders" 'sum(example_requests_total)' $((N * n))
expect_eq "counter: status 500" 'sum(example_requests_total{status="500"})' $((N * n / 10))
expect_eq "counter: service checkout" 'sum(example_requests_total{service="checkout"})' $((N * n / 2))
expect_eq "counter: 3 series per sender" 'count(example_requests_total)' $((3 * n))
# histograms
expect_eq "histogram: count" 'sum(example_request_duration_seconds_count)' $((N * n))
expect_eq "histogram: p90 over all senders" \
  'histogram_quantile(0.9, sum by (le) (example_request_duration_seconds_bucket))' 0.9 1e-9
expect_eq "histogram: p50 of checkout" \
  'histogram_quantile(0.5, sum by (le) (example_request_duration_seconds_bucket{service="checkout"}))' 0.375 1e-9
expect_eq "histogram: le=0.25 bucket" 'sum(example_request_duration_seconds_bucket{le="0.25"})' $((30 * n))
for sender in "${senders[@]}"; do
  expect_eq "counter: $sender requests" "sum(example_requests_total{sender=\"$sender\"})" $N
  expect_eq "histogram: $sender p50" \
    "histogram_quantile(0.5, sum by (le) (example_request_duration_seconds_bucket{sender=\"$sender\"}))" 0.5 1e-9
  expect_eq "histogram: $sender sum" "sum(example_request_duration_seconds_sum{sender=\"$sender\"})" 48 1e-6
  # summaries: each quantile within its rank error (epsilons 0.05, 0.01, 0.001 over 0.01..1.00)
  expect "summary: $sender p50" "example_job_duration_seconds{sender=\"$sender\",quantile=\"0.5\"}" 0.45 0.55
  expect "summary: $sender p90" "example_job_duration_seconds{sender=\"$sender\",quantile=\"0.9\"}" 0.89 0.91
  expect "summary: $sender p99" "example_job_duration_seconds{sender=\"$sender\",quantile=\"0.99\"}" 0.98 1.0
  expect_eq "summary: $sender count" "example_job_duration_seconds_count{sender=\"$sender\"}" $N
  expect_eq "summary: $sender sum" "example_job_duration_seconds_sum{sender=\"$sender\"}" 50.5 1e-6
  # gauges
  expect_eq "gauge set: $sender queue depth (last set wins)" "example_queue_depth{sender=\"$sender\"}" $((N - 1))
  expect_eq "gauge inc/dec: $sender workers busy" "example_workers_busy{sender=\"$sender\"}" $((N / 2))
done
# with-metrics.sh
expect_eq "with-metrics: one success" 'cron_job_runs_total{task="e2e_task",status="success"}' 1
expect_eq "with-metrics: one failure" 'cron_job_runs_total{task="e2e_task",status="failure"}' 1
expect_eq "with-metrics: two durations" 'cron_job_duration_seconds_count{task="e2e_task"}' 2
expect "with-metrics: last success is recent" 'time() - cron_job_last_success_timestamp_seconds{task="e2e_task"}' -5 300

# alert rules loaded from the repo's alerts.yml, healthy, none firing
rules="$(curl -fsS --max-time 5 "$PROMETHEUS_URL/api/v1/rules" || echo '{}')"
check "alert rules loaded and healthy" \
  jq -e '[.data.groups[] | select(.name == "prom-stream-gateway") | .rules[] | select(.health == "ok")] | length == 6' \
  <<<"$rules"
expect_eq "no gateway alert firing" \
  'count(ALERTS{alertname=~"PromStreamGateway.*", alertstate="firing"}) or vector(0)' 0

while IFS=$'\t' read -r title expr; do
  promql="${expr//\$__rate_interval/5m}"
  promql="${promql//\$job/prom-stream-gateway}"
  promql="${promql//\$instance/.+}"
  answer="$(query "$promql")"
  if jq -e '.status == "success" and (.data.result | length) > 0' <<<"$answer" >/dev/null; then
    pass "dashboard \"$title\": $(jq -r '.data.result | length' <<<"$answer") series"
  else
    fail "dashboard \"$title\": $promql -> $(jq -c '{status, error, n: (.data.result | length)}' <<<"$answer")"
  fi
done < <(jq -r '.panels[] | .title as $t | .targets[] | [$t, .expr] | @tsv' grafana/dashboards/prom-stream-gateway.json)

# the dead-letter list holds the two rejected samples
check "dead-letter list holds the 2 rejected samples" \
  bash -c "[ \"\$(redis-cli -u '$REDIS_URI' LLEN '$REDIS_DEAD_LETTER_KEY')\" = 2 ]"

# ---- OTLP: the OpenTelemetry Node SDK as short-lived processes, and curl --------------------------------

log "OTLP: a JSON export with curl, sent twice (an exporter's retry counts once)"
now_ns="$(date +%s%N)"
otlp_json="{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"e2e-curl\"}}]},
 \"scopeMetrics\":[{\"metrics\":[{\"name\":\"e2e.otlp.curl\",\"sum\":{\"isMonotonic\":true,\"aggregationTemporality\":1,
 \"dataPoints\":[{\"startTimeUnixNano\":\"$((now_ns - 1000000000))\",\"timeUnixNano\":\"$now_ns\",\"asInt\":\"3\"}]}}]}]}]}"
for attempt in 1 2; do
  check "OTLP JSON export $attempt answered 200" \
    curl -fsS --max-time 5 -H 'Content-Type: application/json' --data-binary "$otlp_json" "$GATEWAY_URL/v1/metrics"
done
expect_eq "OTLP: curl's delta counted once" 'e2e_otlp_curl_total{job="e2e-curl"}' 3
expect "OTLP: the repeat is counted as a duplicate (meta)" 'prom_stream_gateway_duplicate_points_total' 1 1e9

otel_node=0
case "${E2E_OTEL_NODE:-auto}" in
  0) log "OTLP: the Node SDK senders are skipped (E2E_OTEL_NODE=0)" ;;
  *)
    if [ -d examples/otel-node/node_modules/@opentelemetry/sdk-metrics ]; then
      otel_node=1
    elif ! command -v npm >/dev/null 2>&1; then
      [ "${E2E_OTEL_NODE:-auto}" = auto ] || die "E2E_OTEL_NODE=1 but npm is missing"
      log "OTLP: the Node SDK senders are SKIPPED: npm is missing (scripts/ensure-package.sh npm npm)"
    elif (cd examples/otel-node && npm ci --no-audit --no-fund --loglevel=error) >"$STACK_DIR/npm.log" 2>&1; then
      otel_node=1
    elif [ "${E2E_OTEL_NODE:-auto}" = auto ] && ! npm ping >/dev/null 2>&1; then
      log "OTLP: the Node SDK senders are SKIPPED: the npm registry does not answer"
    else
      fail "OTLP: npm ci in examples/otel-node failed: $(tail -n 3 "$STACK_DIR/npm.log")"
    fi
    ;;
esac
if [ "$otel_node" = 1 ]; then
  K=4
  log "OTLP: $K short-lived Node processes with delta temporality (3 protobuf, 1 JSON), 2 with cumulative"
  for i in 1 2 3 4; do
    protocol=proto
    [ "$i" = 4 ] && protocol=json
    check "node delta export $i ($protocol)" node examples/otel-node/export-metrics.js --endpoint="$GATEWAY_URL/v1/metrics" \
      --protocol=$protocol --temporality=delta --count=$N --timeout-ms=5000
  done
  for instance in c1 c2; do
    check "node cumulative export ($instance)" node examples/otel-node/export-metrics.js --endpoint="$GATEWAY_URL/v1/metrics" \
      --protocol=proto --temporality=cumulative --count=$N --service=otel-node-cumulative --instance=$instance --timeout-ms=5000
  done
  d='job="otel-node-example"'
  expect_eq "OTLP delta: requests added across producers" "sum(otel_example_requests_total{$d})" $((K * N))
  expect_eq "OTLP delta: route /a" "otel_example_requests_total{$d,route=\"/a\"}" $((K * N / 2))
  expect_eq "OTLP delta: one series per route, no instance" "count(otel_example_requests_total{$d})" 2
  expect_eq "OTLP delta: bytes" "otel_example_bytes_total{$d}" $((K * N * 100))
  expect_eq "OTLP delta: histogram count" "otel_example_duration_seconds_count{$d}" $((K * N))
  expect_eq "OTLP delta: histogram sum" "otel_example_duration_seconds_sum{$d}" "$(awk -v k=$K 'BEGIN { print 221.25 * k }')" 1e-6
  expect_eq "OTLP delta: le=0.5 bucket" "otel_example_duration_seconds_bucket{$d,le=\"0.5\"}" $((K * N * 2 / 5))
  expect_eq "OTLP delta: p50 (rank 200 of 400, in the bucket 0.5..1)" "histogram_quantile(0.5, sum by (le) (otel_example_duration_seconds_bucket{$d}))" 0.75 1e-9
  expect_eq "OTLP up-down counter: cumulative, one gauge per producer" "count(otel_example_in_flight{$d})" $K
  expect_eq "OTLP up-down counter: its value" "max(otel_example_in_flight{$d})" $((N - N / 4))
  expect_eq "OTLP gauge with its unit suffix" "max(otel_example_temperature_celsius{$d})" 21.5
  c='job="otel-node-cumulative"'
  expect_eq "OTLP cumulative: each producer's total as pushed" "otel_example_requests_total{$c,instance=\"c1\",route=\"/a\"}" $((N / 2))
  expect_eq "OTLP cumulative: two producers" "count(otel_example_requests_total{$c,route=\"/a\"})" 2
  expect_eq "OTLP cumulative: target_info" "count(target_info{$c})" 2
fi
expect_eq "OTLP: nothing refused (meta)" 'sum(prom_stream_gateway_http_rejected_total{endpoint="otlp"}) or vector(0)' 0

echo
echo ">> $((SECONDS - began))s; senders: ${senders[*]}"
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
