# Prometheus Stream Gateway — local workflow. `make run` and `make test` work on a fresh Debian machine.
JAR := target/prom-stream-gateway.jar
MVN ?= mvn -B -q
REDIS_PORT ?= 6379
SOURCES := $(shell find src/main -type f 2>/dev/null) pom.xml

.PHONY: run test bench build deps stop clean

## run: the gateway on :9091 (admin :9092) with a local Redis on :6379 (reused if one answers)
run: $(JAR)
	@scripts/local-redis.sh start $(REDIS_PORT)
	REDIS_URI=$${REDIS_URI:-redis://localhost:$(REDIS_PORT)/0} java $${JAVA_OPTS:-} -jar $(JAR) server config.yml

## test: every test (unit, integration against real redis-server processes, promtool checks)
test: deps
	mvn -B test

## bench: drain 1,000,000 queued samples and compare with Redis' raw drain rate; memory per series
bench: deps
	mvn -B -q test -Dgroups=bench -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false

## build: the runnable jar
build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) package -DskipTests

## deps: the programs the tests start (installed from Debian's packages when missing)
deps:
	@scripts/ensure-package.sh redis-server redis-server
	@scripts/ensure-package.sh redis-benchmark redis-tools
	@scripts/ensure-package.sh promtool prometheus

## stop: stop the redis-server that `make run` started (by PID; nothing else)
stop:
	@scripts/local-redis.sh stop $(REDIS_PORT)

clean:
	$(MVN) clean
	rm -rf .run
