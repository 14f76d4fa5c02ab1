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
# Environment: REDIS_URI, REDIS_QUEUE_KEY as in push-metrics.sh.
set -uo pipefail

REDIS_URI="${REDIS_URI:-redis://localhost:6379/0}"
REDIS_QUEUE_KEY="${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"

if [ $# -lt 3 ] || [ "$2" != "--" ]; then
  echo "usage: $0 <task-name> -- <command> [args...]" >&2
  exit 2
fi
task="$1"
shift 2
[[ "$task" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "with-metrics.sh: task name wants [A-Za-z0-9_.-]+" >&2; exit 2; }

push_sample() {
  redis-cli -u "$REDIS_URI" --no-auth-warning LPUSH "$REDIS_QUEUE_KEY" "$1" >/dev/null 2>&1 ||
    echo "with-metrics.sh: could not push a sample for $task" >&2
}

start_ns=$(date +%s%N)
"$@"
rc=$?
end_ns=$(date +%s%N)
duration=$(awk -v ns=$((end_ns - start_ns)) 'BEGIN { printf "%.3f", ns / 1e9 }')
if [ "$rc" -eq 0 ]; then status=success; else status=failure; fi

push_sample "{\"type\":\"counter\",\"name\":\"cron_job_runs_total\",\"value\":1,\"labels\":{\"task\":\"$task\",\"status\":\"$status\"},\"help\":\"Runs of a scheduled job, by outcome.\"}"
push_sample "{\"type\":\"histogram\",\"name\":\"cron_job_duration_seconds\",\"value\":$duration,\"labels\":{\"task\":\"$task\"},\"buckets\":[1,5,15,60,300,900,1800,3600,7200],\"help\":\"How long a scheduled job ran.\"}"
if [ "$rc" -eq 0 ]; then
  push_sample "{\"type\":\"gauge\",\"name\":\"cron_job_last_success_timestamp_seconds\",\"value\":$((end_ns / 1000000000)),\"labels\":{\"task\":\"$task\"},\"timestamp\":$((end_ns / 1000000)),\"help\":\"When a scheduled job last succeeded.\"}"
fi
exit "$rc"
