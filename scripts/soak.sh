#!/usr/bin/env bash
# Usage: SOAK_SECONDS=300 scripts/soak.sh   (what `make soak` runs, after `make build`)
# Runs target/prom-stream-gateway.jar with config.yml against its own redis-server on 127.0.0.1 (free ports chosen
# at run time) under continuous load for SOAK_SECONDS, scraping /metrics and resetting churn series meanwhile,
# then checks exact totals and that the heap used after GC stays flat. See src/test/java/io/promstream/soak/SoakRun.java.
# Other knobs: SOAK_RATE (samples/s, 20000), SOAK_HEAP_INTERVAL (s), SOAK_GATEWAY_HEAP (512m),
# SOAK_HEAP_TOLERANCE (0.20), SOAK_DIR (target/soak).
set -euo pipefail
cd "$(dirname "$0")/.."
jar="${SOAK_JAR:-target/prom-stream-gateway.jar}"
if [[ ! -f "$jar" ]]; then
  echo "no $jar: run \`make build\` first" >&2
  exit 2
fi
for tool in redis-server jcmd java; do
  command -v "$tool" >/dev/null || { echo "soak needs $tool on PATH" >&2; exit 2; }
done
# the load generator and checker live in the test classes; everything they use is inside the shaded jar
mvn -B -q test-compile
seconds="${SOAK_SECONDS:-300}"
# a hard bound on the whole run, whatever happens: the soak itself, start-up, flush and stop
exec timeout --signal=TERM --kill-after=30 "$((seconds + 300))" \
  java -Xmx512m -cp "target/test-classes:$jar" io.promstream.soak.SoakRun
