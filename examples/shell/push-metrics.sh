#!/usr/bin/env bash
# Push metric samples to a Prometheus Stream Gateway through its Redis queue, with redis-cli.
#
#     examples/shell/push-metrics.sh [--count N] [--sender NAME]
#
# One sample by hand:
#
#     redis-cli -u redis://localhost:6379/0 LPUSH prom-stream-gateway:metric-queue \
#       '{"type":"counter","name":"backups_total","value":1,"labels":{"host":"db1"}}'
#
# Environment: REDIS_URI (default redis://localhost:6379/0) and REDIS_QUEUE_KEY (default
# prom-stream-gateway:metric-queue). Needs redis-cli (Debian: redis-tools). Run as a script it pushes the
# workload of examples/README.md, one redis-cli LPUSH per sample.
set -euo pipefail

REDIS_URI="${REDIS_URI:-redis://localhost:6379/0}"
REDIS_QUEUE_KEY="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"

# push_sample JSON: one LPUSH. The JSON is passed as one argument, so no quoting games are needed.
push_sample() {
  local reply
  reply="$(redis-cli -u "$REDIS_URI" --no-auth-warning LPUSH "$REDIS_QUEUE_KEY" "$1" 2>&1)" || true
  if ! [[ "$reply" =~ ^[0-9]+$ ]]; then
    echo "push-metrics.sh: LPUSH failed: $reply" >&2
    return 1
  fi
}

# hundredths N: prints N/100 as a decimal (bash has integers only), e.g. 3 -> 0.03, 100 -> 1.00
hundredths() {
  printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

count=100
sender=shell
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --count=*) count="${1#*=}"; shift ;;
    --sender) sender="$2"; shift 2 ;;
    --sender=*) sender="${1#*=}"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "push-metrics.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$count" =~ ^[0-9]+$ ]] || { echo "push-metrics.sh: --count wants a number" >&2; exit 2; }
[[ "$sender" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "push-metrics.sh: --sender wants [A-Za-z0-9_.-]+" >&2; exit 2; }
command -v redis-cli >/dev/null || { echo "push-metrics.sh: redis-cli is missing (apt-get install redis-tools)" >&2; exit 1; }

buckets='[0.1,0.25,0.5,1,2.5]'
for ((i = 0; i < count; i++)); do
  if ((i % 2 == 0)); then service=checkout; else service=search; fi
  if ((i % 10 == 9)); then status=500; else status=200; fi
  if ((i % 4 == 3)); then op=dec; else op=inc; fi
  push_sample "{\"type\":\"counter\",\"name\":\"example_requests_total\",\"value\":1,\"labels\":{\"sender\":\"$sender\",\"service\":\"$service\",\"status\":\"$status\"},\"help\":\"Requests handled, by service and status.\"}"
  push_sample "{\"type\":\"histogram\",\"name\":\"example_request_duration_seconds\",\"value\":$(hundredths $((10 * (i % 10) + 3))),\"labels\":{\"sender\":\"$sender\",\"service\":\"$service\"},\"buckets\":$buckets,\"help\":\"Request latency.\"}"
  push_sample "{\"type\":\"summary\",\"name\":\"example_job_duration_seconds\",\"value\":$(hundredths $((i % 100 + 1))),\"labels\":{\"sender\":\"$sender\"},\"help\":\"Background job duration.\"}"
  push_sample "{\"type\":\"gauge\",\"name\":\"example_queue_depth\",\"value\":$i,\"labels\":{\"sender\":\"$sender\"},\"help\":\"Jobs waiting.\"}"
  push_sample "{\"type\":\"gauge\",\"name\":\"example_workers_busy\",\"value\":1,\"op\":\"$op\",\"labels\":{\"sender\":\"$sender\"},\"help\":\"Workers busy.\"}"
done
echo "shell: pushed $((5 * count)) samples onto $REDIS_QUEUE_KEY"
