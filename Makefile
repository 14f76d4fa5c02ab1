# Prometheus Stream Gateway — local workflow. `make run` and `make test` work on a fresh Debian machine.
JAR := target/prom-stream-gateway.jar
MVN ?= mvn -B -q
REDIS_PORT ?= 6379
SOURCES := $(shell find src/main -type f 2>/dev/null) pom.xml

.PHONY: run test fuzz faults format soak bench bench-cluster build deps stop clean

## run: the gateway on :9091 (admin :9092) with a local Redis on :6379 (reused if one answers)
run: $(JAR)
	@scripts/local-redis.sh start $(REDIS_PORT)
	REDIS_URI=$${REDIS_URI:-redis://localhost:$(REDIS_PORT)/0} java $${JAVA_OPTS:-} -jar $(JAR) server config.yml

## test: every test: unit and integration (real redis-server processes, promtool), fuzzing, then end to end with Prometheus
test: deps
	mvn -B test
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory e2e

## fuzz: coverage-guided fuzzing (Jazzer) of the JSON element path, the text push path, the protobuf push path and
##       the OTLP export path, FUZZ_TIME each, two at a time (`mvn test` only replays their corpus); a failing
##       input lands in src/test/resources/io/promstream/fuzz/
FUZZ_TIME ?= 25s
FUZZ_TARGETS := jsonElement textPush protobufPush otlpExport
fuzz:
	$(MVN) test-compile
	@$(MAKE) --no-print-directory -j2 $(addprefix fuzz-,$(FUZZ_TARGETS))

# one fuzz target on the compiled classes (surefire alone: two of them never compile at once), with surefire's
# boot files in a directory of its own (a lane ending deletes its own, which Jazzer reads while it starts)
fuzz-%:
	JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$(FUZZ_TIME) mvn -B -q surefire:test -Dmaven.test.redirectTestOutputToFile=true \
	  -Dtest='SampleFuzzTest#$*' -DsurefireReports=target/fuzz-reports/$* -DtempDir=surefire-fuzz-$*
	@grep -h 'SampleFuzzTest: ' target/fuzz-reports/$*/io.promstream.fuzz.SampleFuzzTest-output.txt || true

## soak: the real jar under continuous load for SOAK_SECONDS (300) against its own redis-server, scraping and
##       resetting meanwhile; then exact totals and a flat heap are checked (SOAK_RATE, SOAK_HEAP_INTERVAL, ...)
soak: deps build
	scripts/soak.sh

## faults: the randomized fault schedule (RandomizedFaultsIntegrationTest) with FAULTS (100) faults; FAULTS_SEED
##         replays one (`make test` runs 6 faults with a random seed, printed)
FAULTS ?= 100
faults: deps
	mvn -B test -Dtest=RandomizedFaultsIntegrationTest -Dfaults.count=$(FAULTS) $(if $(FAULTS_SEED),-Dfaults.seed=$(FAULTS_SEED))

## bench: the drain against Redis' raw rate and a plain RPOP, memory per series, checkpoint costs and replay
bench: deps
	mvn -B -q test -Dgroups=bench -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false

## bench-cluster: non-pipelined senders on one Redis and on a 3-master cluster with routing; gateways keep up
bench-cluster: deps
	mvn -B -q test -Dgroups=bench-cluster -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false

## format: format the Java sources (palantir-java-format through Spotless; every build checks the tree is formatted)
format:
	$(MVN) spotless:apply

## build: the runnable jar
build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) package -DskipTests

## deps: the programs the tests start or parse with (installed from Debian's packages when missing)
deps:
	@scripts/ensure-package.sh redis-server redis-server
	@scripts/ensure-package.sh openssl openssl
	@scripts/ensure-package.sh redis-benchmark redis-tools
	@scripts/ensure-package.sh wrk wrk
	@scripts/ensure-package.sh curl curl
	@scripts/ensure-package.sh promtool prometheus
	@scripts/ensure-package.sh prometheus prometheus
	@scripts/ensure-package.sh /usr/bin/python3 python3
	@scripts/ensure-package.sh "/usr/bin/python3 -c 'import prometheus_client'" python3-prometheus-client
	@scripts/ensure-package.sh prometheus-pushgateway prometheus-pushgateway
	@scripts/ensure-package.sh go golang-go
	@scripts/ensure-package.sh "test -d /usr/share/gocode/src/github.com/prometheus/client_golang/prometheus/push" golang-github-prometheus-client-golang-dev
	@scripts/ensure-package.sh php php-cli
	@scripts/ensure-package.sh "php -r 'exit(class_exists(\"RedisCluster\") ? 0 : 1);'" php-redis
	@scripts/ensure-package.sh "/usr/bin/python3 -c 'import redis.cluster'" python3-redis
	@scripts/ensure-package.sh node nodejs
	@scripts/ensure-package.sh npm npm
	@scripts/ensure-package.sh /usr/bin/chromium chromium
	@scripts/ensure-package.sh /usr/bin/chromedriver chromium-driver

## stop: stop the redis-server that `make run` started (by PID; nothing else)
stop:
	@scripts/local-redis.sh stop $(REDIS_PORT)

.PHONY: stack stack-down stack-status demo e2e dashboard-image console-screenshots

## stack: Redis, the gateway and Prometheus (and Grafana, when installed) from local binaries on 127.0.0.1
stack: build
	@scripts/stack.sh start

## stack-down: stop what `make stack` started (by PID; nothing else)
stack-down:
	@scripts/stack.sh stop

## stack-status: what `make stack` started and where it listens
stack-status:
	@scripts/stack.sh status

.PHONY: stack-cluster stack-cluster-down

## stack-cluster: a 6-node Redis Cluster (127.0.0.1:7001-7006), two gateways sharing its 12 queue shards
##       (:9191 and :9192, admin :9291 and :9292) and Prometheus scraping both (:9190), from local binaries
stack-cluster: build
	@scripts/stack-cluster.sh start

## stack-cluster-down: stop what `make stack-cluster` started (by PID; nothing else)
stack-cluster-down:
	@scripts/stack-cluster.sh stop

## demo: push a realistic stream of samples into the running stack (5 minutes; DEMO_ARGS="--duration 60")
demo:
	@scripts/demo.sh $(DEMO_ARGS)

## e2e: end-to-end test: redis-server, the gateway and a real Prometheus on free ports, PHP/Python/shell senders
e2e: build
	@scripts/e2e.sh

## console-screenshots: redraw docs/console-*.png (the README's) from the console's browser test
console-screenshots: deps
	mvn -B -q test -Dtest=ConsoleBrowserIntegrationTest -Dconsole.screenshots=docs

## dashboard-image: redraw docs/dashboard.png from the running stack's Prometheus (after `make stack demo`)
dashboard-image:
	/usr/bin/python3 grafana/render_dashboard.py --minutes 8

clean:
	$(MVN) clean
	rm -rf .run .cifuzz-corpus
