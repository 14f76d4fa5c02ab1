#!/bin/sh
# Class-data sharing for the image: starts the gateway once (no Redis needed: it serves /metrics and retries
# Redis meanwhile), scrapes it plain and gzip, stops it with SIGTERM, and leaves the classes it loaded in a
# dynamic CDS archive that later starts map instead of loading (docs/operations.md, Start-up).
#
#   scripts/cds-train.sh <jar> <config.yml> <archive> [java options...]
set -eu
jar=$1 config=$2 archive=$3
shift 3
port=${GATEWAY_PORT:-9091}
java "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" server "$config" > /tmp/cds-train.log 2>&1 &
pid=$!
up=0
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null; then up=1; break; fi
  sleep 0.5
done
if [ "$up" = 1 ]; then
  curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics"
  curl -fsS -o /dev/null -H 'Accept: application/openmetrics-text; version=1.0.0' "http://127.0.0.1:$port/metrics"
fi
kill -TERM "$pid"
wait "$pid" || true
if [ "$up" != 1 ] || [ ! -s "$archive" ]; then
  echo "cds-train: the gateway did not start or left no archive; see /tmp/cds-train.log" >&2
  tail -n 20 /tmp/cds-train.log >&2
  exit 1
fi
echo "cds-train: $(wc -c < "$archive") bytes in $archive"
