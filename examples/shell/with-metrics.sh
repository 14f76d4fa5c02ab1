#!/usr/bin/env bash
# Run a command (a cron job, a backup, a deploy step) and report how it went to a Prometheus Stream
# Gateway, so that a job that runs for seconds once a night still shows up in Prometheus.
#
#     examples/shell/with-metrics.sh nightly_backup -- pg_dump -f /backups/db.sql mydb
#
# Pushes, labelled task="<name>" (not "job", which Prometheus gives the scrape target):
#   cron_job_runs_total{status="success|failure"}   counter
#   cron_job_duration_seconds                       histogram (buckets 1s .. 2h)
#   cron_job_last_success_timestamp_seconds         gauge, on success only (alert on `time() - it`)
# and exits with the command's status. A failed push is reported on stderr but never changes that status.
# Environment: REDIS_URI, REDIS_QUEUE_KEY, REDIS_QUEUE_SHARDS and REDIS_CLUSTER_NODES as in push-metrics.sh.
set -uo pipefail

REDIS_URI="${REDIS_URI:-redis://localhost:6379/0}"
REDIS_URI="${REDIS_URI/:\/\/:/://default:}" # for "//:password@" redis-cli 7.0 would send AUTH "" password
REDIS_QUEUE_KEY="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"
REDIS_QUEUE_SHARDS="${REDIS_QUEUE_SHARDS:-1}"
REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-}"

if [ $# -lt 3 ] || [ "$2" != "--" ]; then
  echo "usage: $0 <task-name> -- <command> [args...]" >&2
  exit 2
fi
task="$1"
shift 2
[[ "$task" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "with-metrics.sh: task name wants [A-Za-z0-9_.-]+" >&2; exit 2; }
[[ "$REDIS_QUEUE_SHARDS" =~ ^[1-9][0-9]*$ ]] ||
  { echo "with-metrics.sh: REDIS_QUEUE_SHARDS wants a whole number of at least 1" >&2; exit 2; }

# shard_of NAME [LABEL VALUE]...: the queue shard of a series, labels in ascending order of names (CRC-32 of
# NAME and "\nLABEL=VALUE" per non-empty label, modulo the shards; gzip's trailer holds the CRC-32, see
# push-metrics.sh)
shard_of() {
  local key="$1" b0 b1 b2 b3
  shift
  while (($# >= 2)); do
    if [ -n "$2" ]; then key+=$'\n'"$1=$2"; fi
    shift 2
  done
  read -r b0 b1 b2 b3 < <(printf '%s' "$key" | gzip -c | tail -c 8 | od -An -tu1 -N4)
  echo $(((b0 | b1 << 8 | b2 << 16 | b3 << 24) % REDIS_QUEUE_SHARDS))
}

# push_sample JSON NAME [LABEL VALUE]...: one LPUSH onto the series' queue shard; in a cluster through
# redis-cli -c, trying the seeds in turn. A failure is reported, never fatal.
push_sample() {
  local json="$1" queue="$REDIS_QUEUE_KEY" rest prefix seed
  shift
  if ((REDIS_QUEUE_SHARDS > 1)); then queue+=":{$(shard_of "$@")}"; fi
  if [ -z "$REDIS_CLUSTER_NODES" ]; then
    [[ "$(redis-cli -u "$REDIS_URI" --no-auth-warning LPUSH "$queue" "$json" 2>&1)" =~ ^[0-9]+$ ]] && return
  else
    rest="${REDIS_URI#*://}" prefix="${REDIS_URI%%://*}://"
    rest="${rest%%/*}"
    if [[ "$rest" == *@* ]]; then prefix+="${rest%@*}@"; fi # user:password@ of REDIS_URI
    for seed in ${REDIS_CLUSTER_NODES//,/ }; do
      [[ "$(redis-cli -c -u "$prefix$seed" --no-auth-warning LPUSH "$queue" "$json" 2>&1)" =~ ^[0-9]+$ ]] && return
    done
  fi
  echo "with-metrics.sh: could not push a sample for $task" >&2
}

start_ns=$(date +%s%N)
"$@"
rc=$?
end_ns=$(date +%s%N)
duration=$(awk -v ns=$((end_ns - start_ns)) 'BEGIN { printf "%.3f", ns / 1e9 }')
if [ "$rc" -eq 0 ]; then status=success; else status=failure; fi

push_sample "{\"type\":\"counter\",\"name\":\"cron_job_runs_total\",\"value\":1,\"labels\":{\"task\":\"$task\",\"status\":\"$status\"},\"help\":\"Runs of a scheduled job, by outcome.\"}" \
  cron_job_runs_total status "$status" task "$task"
push_sample "{\"type\":\"histogram\",\"name\":\"cron_job_duration_seconds\",\"value\":$duration,\"labels\":{\"task\":\"$task\"},\"buckets\":[1,5,15,60,300,900,1800,3600,7200],\"help\":\"How long a scheduled job ran.\"}" \
  cron_job_duration_seconds task "$task"
if [ "$rc" -eq 0 ]; then
  push_sample "{\"type\":\"gauge\",\"name\":\"cron_job_last_success_timestamp_seconds\",\"value\":$((end_ns / 1000000000)),\"labels\":{\"task\":\"$task\"},\"timestamp\":$((end_ns / 1000000)),\"help\":\"When a scheduled job last succeeded.\"}" \
    cron_job_last_success_timestamp_seconds task "$task"
fi
exit "$rc"
