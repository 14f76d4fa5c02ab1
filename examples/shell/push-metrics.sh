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
# (with N > 1 queue shards, onto the list prom-stream-gateway:metric-queue:{S}, S the shard of the series as
# shard_of below computes it: CRC-32 of "backups_total\nhost=db1" modulo N).
#
# Environment: REDIS_URI (default redis://localhost:6379/0), REDIS_QUEUE_KEY (default
# prom-stream-gateway:metric-queue), REDIS_QUEUE_SHARDS (default 1: the queue is the one list
# REDIS_QUEUE_KEY; N > 1: each sample goes to the list "<key>:{<shard>}" of its series, see shard_of) and
# REDIS_CLUSTER_NODES (comma-separated host:port seeds: talk to a Redis Cluster with redis-cli -c; REDIS_URI
# then gives only the scheme and user:password@). Needs redis-cli (Debian: redis-tools), gzip, tail and od.
# Run as a script it pushes the workload of examples/README.md, one redis-cli LPUSH per sample.
set -euo pipefail

REDIS_URI="${REDIS_URI:-redis://localhost:6379/0}"
REDIS_URI="${REDIS_URI/:\/\/:/://default:}" # for "//:password@" redis-cli 7.0 would send AUTH "" password
REDIS_QUEUE_KEY="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"
REDIS_QUEUE_SHARDS="${REDIS_QUEUE_SHARDS:-1}"
REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-}"

# shard_of NAME [LABEL VALUE]...: prints the queue shard of a series, labels given in ascending byte order
# of their names: CRC-32 (IEEE) of NAME followed by "\nLABEL=VALUE" for each label whose value is not
# empty, modulo REDIS_QUEUE_SHARDS. The CRC-32 is gzip's: a gzip stream ends with the CRC-32 of its input
# and then its size, each 4 bytes little-endian, read here byte by byte so the host's byte order is moot.
shard_of() {
  local key="$1" b0 b1 b2 b3
  shift
  if ((REDIS_QUEUE_SHARDS <= 1)); then
    echo 0
    return
  fi
  while (($# >= 2)); do
    if [ -n "$2" ]; then key+=$'\n'"$1=$2"; fi
    shift 2
  done
  read -r b0 b1 b2 b3 < <(printf '%s' "$key" | gzip -c | tail -c 8 | od -An -tu1 -N4)
  echo $(((b0 | b1 << 8 | b2 << 16 | b3 << 24) % REDIS_QUEUE_SHARDS))
}

# lpush KEY VALUE: prints the reply of LPUSH (the list's length, or an error). In a cluster, redis-cli -c
# follows MOVED redirections; the seeds are tried in turn until one answers.
lpush() {
  if [ -z "$REDIS_CLUSTER_NODES" ]; then
    redis-cli -u "$REDIS_URI" --no-auth-warning LPUSH "$1" "$2" 2>&1 || true
    return
  fi
  local rest="${REDIS_URI#*://}" prefix="${REDIS_URI%%://*}://" seed reply=""
  rest="${rest%%/*}"
  if [[ "$rest" == *@* ]]; then prefix+="${rest%@*}@"; fi # user:password@ of REDIS_URI
  for seed in ${REDIS_CLUSTER_NODES//,/ }; do
    reply="$(redis-cli -c -u "$prefix$seed" --no-auth-warning LPUSH "$1" "$2" 2>&1)" || true
    if [[ "$reply" =~ ^[0-9]+$ ]]; then break; fi
  done
  printf '%s\n' "$reply"
}

# push_sample JSON NAME [LABEL VALUE]...: one LPUSH of the sample JSON onto the queue shard of its series,
# NAME and the labels as in the JSON, labels in ascending order of names. The JSON is passed as one argument,
# so no quoting games are needed.
push_sample() {
  local json="$1" queue="$REDIS_QUEUE_KEY" reply
  shift
  if ((REDIS_QUEUE_SHARDS > 1)); then queue+=":{$(shard_of "$@")}"; fi
  reply="$(lpush "$queue" "$json")"
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
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "push-metrics.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$count" =~ ^[0-9]+$ ]] || { echo "push-metrics.sh: --count wants a number" >&2; exit 2; }
[[ "$sender" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "push-metrics.sh: --sender wants [A-Za-z0-9_.-]+" >&2; exit 2; }
[[ "$REDIS_QUEUE_SHARDS" =~ ^[1-9][0-9]*$ ]] ||
  { echo "push-metrics.sh: REDIS_QUEUE_SHARDS wants a whole number of at least 1" >&2; exit 2; }
command -v redis-cli >/dev/null || { echo "push-metrics.sh: redis-cli is missing (apt-get install redis-tools)" >&2; exit 1; }

buckets='[0.1,0.25,0.5,1,2.5]'
for ((i = 0; i < count; i++)); do
  if ((i % 2 == 0)); then service=checkout; else service=search; fi
  if ((i % 10 == 9)); then status=500; else status=200; fi
  if ((i % 4 == 3)); then op=dec; else op=inc; fi
  push_sample "{\"type\":\"counter\",\"name\":\"example_requests_total\",\"value\":1,\"labels\":{\"sender\":\"$sender\",\"service\":\"$service\",\"status\":\"$status\"},\"help\":\"Requests handled, by service and status.\"}" \
    example_requests_total sender "$sender" service "$service" status "$status"
  push_sample "{\"type\":\"histogram\",\"name\":\"example_request_duration_seconds\",\"value\":$(hundredths $((10 * (i % 10) + 3))),\"labels\":{\"sender\":\"$sender\",\"service\":\"$service\"},\"buckets\":$buckets,\"help\":\"Request latency.\"}" \
    example_request_duration_seconds sender "$sender" service "$service"
  push_sample "{\"type\":\"summary\",\"name\":\"example_job_duration_seconds\",\"value\":$(hundredths $((i % 100 + 1))),\"labels\":{\"sender\":\"$sender\"},\"help\":\"Background job duration.\"}" \
    example_job_duration_seconds sender "$sender"
  push_sample "{\"type\":\"gauge\",\"name\":\"example_queue_depth\",\"value\":$i,\"labels\":{\"sender\":\"$sender\"},\"help\":\"Jobs waiting.\"}" \
    example_queue_depth sender "$sender"
  push_sample "{\"type\":\"gauge\",\"name\":\"example_workers_busy\",\"value\":1,\"op\":\"$op\",\"labels\":{\"sender\":\"$sender\"},\"help\":\"Workers busy.\"}" \
    example_workers_busy sender "$sender"
done
shown="$REDIS_QUEUE_KEY"
if ((REDIS_QUEUE_SHARDS > 1)); then shown+=" ($REDIS_QUEUE_SHARDS shards)"; fi
echo "shell: pushed $((5 * count)) samples onto $shown"
