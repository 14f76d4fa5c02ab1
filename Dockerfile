# Prometheus Stream Gateway image.
#
#   docker build -t prom-stream-gateway .
#   docker run --rm -p 9091:9091 -e REDIS_URI=redis://redis-host:6379/0 prom-stream-gateway
#
# Configuration: the environment variables read by config.yml (REDIS_URI, REDIS_QUEUE_KEY, REDIS_WORKERS,
# REDIS_DEAD_LETTER_KEY, SERIES_TTL, CHECKPOINT_INTERVAL, GATEWAY_PORT, GATEWAY_ADMIN_PORT; for a Redis Cluster
# and several gateways REDIS_CLUSTER_NODES and REDIS_QUEUE_SHARDS; GATEWAY_ADMIN_HOST, ADMIN_TOKEN; https on 9091 with
# GATEWAY_TLS=true and a key store mounted at GATEWAY_TLS_KEYSTORE, docs/operations.md), JVM options in
# JAVA_OPTS, any other key as -Ddw.<path>=<value> in JAVA_OPTS, or a whole config file mounted over
# /app/config.yml. The aggregated series are checkpointed into Redis: the container keeps no state.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# ---- build: the shaded jar, on a Temurin 17 JDK --------------------------------------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /build
# Dependencies first, in a layer of their own that survives changes to the sources. Best effort: whatever
# this misses is downloaded by the package step below.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline || true
COPY src ./src
# The tests need redis-server and promtool processes; CI runs them (`make test`), the image build does not.
RUN mvn -B -q package -DskipTests \
 && cp target/prom-stream-gateway.jar /build/app.jar

# ---- runtime: a Temurin 17 JRE, as a non-root user ------------------------------------------------------
FROM ${RUNTIME_IMAGE}
# curl for the HEALTHCHECK (present in most Temurin images; installed when it is not)
RUN if ! command -v curl >/dev/null 2>&1; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway \
 && mkdir -p /data && chown gateway:gateway /data
WORKDIR /app
COPY --from=build /build/app.jar /app/prom-stream-gateway.jar
COPY config.yml /app/config.yml

# Container-aware heap sizing; a JVM out of memory exits (and is restarted) rather than limping on.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError" \
    GATEWAY_PORT=9091 \
    GATEWAY_ADMIN_PORT=9092

# Class-data sharing: one training start of the gateway (no Redis needed: it serves /metrics and retries Redis)
# leaves the classes it loaded in an archive that every start maps instead of loading them (docs/operations.md).
# Best effort: a JVM that cannot make the archive (no base CDS archive) builds the image without it, and the
# gateway then loads its classes as usual.
COPY scripts/cds-train.sh /tmp/cds-train.sh
RUN (sh /tmp/cds-train.sh /app/prom-stream-gateway.jar /app/config.yml /app/prom-stream-gateway.jsa $JAVA_OPTS \
     && chmod a+r /app/prom-stream-gateway.jsa) \
    || echo "cds-train: no class-data sharing archive; the gateway starts without one" \
 ; rm -f /tmp/cds-train.sh /tmp/cds-train.log
USER 10001:10001

# 9091: GET /metrics (what Prometheus scrapes), pushes, GET / and GET /api/health; 9092: admin (/healthcheck,
# tasks), bound to 127.0.0.1 inside the container unless GATEWAY_ADMIN_HOST says otherwise (then with
# ADMIN_TOKEN): publishing 9092 alone reaches nothing
EXPOSE 9091 9092

# Healthy when Redis answers, every worker is alive and the backlog is under redis.backlogLimit: the
# application port's GET /api/health (200, or 503 with the failing checks), which answers wherever the admin
# port is bound.
# With GATEWAY_TLS=true the port speaks https: the check asks over https without checking the certificate (it is
# loopback, and about health, not identity). With GATEWAY_TLS_CLIENT_AUTH=need it fails (curl has no client
# certificate): use want, or an orchestrator's own check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD scheme=http; [ "${GATEWAY_TLS:-false}" = true ] && scheme=https; \
      curl -fsSk -o /dev/null "${scheme}://127.0.0.1:${GATEWAY_PORT}/api/health" || exit 1

# SIGTERM reaches java itself (exec), which stops taking from Redis, finishes the batches in hand and exits
# within redis.shutdownGrace (30 s): give `docker stop` a longer timeout (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["sh", "-c", "exec java -XX:SharedArchiveFile=/app/prom-stream-gateway.jsa -Xshare:auto $JAVA_OPTS -jar /app/prom-stream-gateway.jar \"$@\"", "prom-stream-gateway"]
CMD ["server", "config.yml"]

LABEL org.opencontainers.image.title="Prometheus Stream Gateway" \
      org.opencontainers.image.description="Aggregates metric samples pushed onto a Redis list and serves them to Prometheus"
