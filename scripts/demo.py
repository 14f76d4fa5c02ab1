#!/usr/bin/python3
"""Push a realistic stream of samples into a Prometheus Stream Gateway's Redis queue.

    scripts/demo.sh [--duration 300] [--rate 1.0] [--bad-every 10] [--seed N]

Simulates the senders the gateway is made for, every sample one LPUSH (through
examples/python/push_metrics.py's PromStreamSender, a pipeline per half-second tick):

  * three PHP web services (checkout, search, auth): a counter of requests by route and status and a
    latency histogram per route; traffic rises and falls over a few minutes, and checkout has a short
    burst of errors every five minutes;
  * a queue worker (mailer): jobs by outcome (counter), job duration (summary), queue depth (gauge set)
    and busy workers (gauge inc/dec);
  * an AWS Lambda function (thumbnailer): invocations by cold start (counter), duration (histogram with
    its own buckets), memory used (gauge);
  * a nightly-style cron task every 30 s: runs by status (counter), last success time (gauge);
  * a buggy sender: now and then a sample the gateway rejects (broken JSON, a negative counter, an unknown
    type, a type conflict, a bad label name), which shows up in
    prom_stream_gateway_dropped_metrics_total{reason}.

Environment: REDIS_URI (default redis://localhost:6379/0), REDIS_QUEUE_KEY, PROMETHEUS_URL (only to print
links). Needs redis-py (/usr/bin/python3 with Debian's python3-redis).
"""

import argparse
import json
import math
import os
import random
import signal
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "python"))
import redis  # noqa: E402
from push_metrics import DEFAULT_QUEUE_KEY, PromStreamSender, redact  # noqa: E402

TICK = 0.5  # seconds between pipelines

WEB = {
    # service: (requests/s at load 1, {route: median latency in s})
    "checkout": (30, {"/cart": 0.045, "/pay": 0.180}),
    "search": (60, {"/search": 0.080, "/suggest": 0.015}),
    "auth": (20, {"/login": 0.120, "/token": 0.010}),
}
LAMBDA_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
BAD_SAMPLES = [
    '{"type":"counter","name":"demo_http_requests_total","value":1,"labels":{"service":"checkout"',  # invalid_json
    '{"type":"counter","name":"demo_buggy_retries_total","value":-1}',  # invalid_value
    '{"type":"meter","name":"demo_buggy_meter","value":1}',  # unknown_type
    '{"type":"gauge","name":"demo_http_requests_total","value":3}',  # type_conflict (it is a counter)
    '{"type":"gauge","name":"demo_buggy_gauge","value":1,"labels":{"__bad":"x"}}',  # invalid_label
]


def poisson(rng, mean):
    """A Poisson-distributed count (Knuth for small means, normal approximation above 30)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Demo:
    def __init__(self, rng, rate):
        self.rng = rng
        self.rate = rate
        self.queue_depth = 40.0
        self.busy = 0
        self.next_cron = 0.0
        self.warm_lambdas = 0

    def load(self, t):
        """Traffic factor: a 4-minute wave around 1, with a little noise."""
        return max(0.1, 1 + 0.5 * math.sin(2 * math.pi * t / 240) + self.rng.gauss(0, 0.05))

    def tick(self, m, t):
        rng, load = self.rng, self.load(t)
        incident = (t % 300) > 240 and (t % 300) < 270  # checkout errors for 30 s every 5 minutes
        for service, (rps, routes) in WEB.items():
            for route, median in routes.items():
                for _ in range(poisson(rng, rps * self.rate * load * TICK / len(routes))):
                    r = rng.random()
                    error_rate = 0.25 if incident and service == "checkout" else 0.01
                    status = "500" if r < error_rate else ("404" if r < error_rate + 0.03 else "200")
                    latency = rng.lognormvariate(math.log(median * (1 + 0.5 * (load - 1))), 0.6)
                    if status == "500":
                        latency *= 3
                    m.counter("demo_http_requests_total", 1,
                              {"service": service, "route": route, "method": "GET", "status": status},
                              help="HTTP requests handled, by service, route and status.")
                    m.histogram("demo_http_request_duration_seconds", round(latency, 6),
                                {"service": service, "route": route}, help="HTTP request latency.")

        # queue worker: jobs arrive with the load, 4 workers take them
        arrivals = poisson(rng, 12 * self.rate * load * TICK)
        done = min(int(self.queue_depth) + arrivals, poisson(rng, 12 * self.rate * TICK))
        self.queue_depth = max(0.0, self.queue_depth + arrivals - done)
        for _ in range(done):
            outcome = "failed" if rng.random() < 0.02 else "sent"
            m.counter("demo_jobs_processed_total", 1, {"service": "mailer", "queue": "emails", "outcome": outcome},
                      help="Queue jobs processed, by outcome.")
            m.summary("demo_job_duration_seconds", round(rng.lognormvariate(math.log(0.3), 0.5), 6),
                      {"service": "mailer", "queue": "emails"}, help="Queue job duration.")
        m.gauge("demo_queue_depth", int(self.queue_depth), {"service": "mailer", "queue": "emails"},
                help="Jobs waiting in the queue.")
        busy = min(4, done)
        if busy != self.busy:
            op = "inc" if busy > self.busy else "dec"
            m.gauge("demo_workers_busy", abs(busy - self.busy), {"service": "mailer"}, help="Workers busy.", op=op)
            self.busy = busy

        # lambda: cold starts when concurrency grows
        for _ in range(poisson(rng, 8 * self.rate * load * TICK)):
            cold = self.warm_lambdas < 5 * load and rng.random() < 0.3
            if cold:
                self.warm_lambdas += 1
            duration = rng.lognormvariate(math.log(0.4), 0.5) + (1.2 if cold else 0)
            m.counter("demo_lambda_invocations_total", 1,
                      {"function": "thumbnailer", "cold_start": "true" if cold else "false"},
                      help="Lambda invocations, by cold start.")
            m.histogram("demo_lambda_duration_seconds", round(duration, 6), {"function": "thumbnailer"},
                        help="Lambda invocation duration.", buckets=LAMBDA_BUCKETS)
            m.gauge("demo_lambda_memory_used_bytes", int(rng.gauss(180e6, 15e6)), {"function": "thumbnailer"},
                    help="Memory used by the last invocation.")
        if rng.random() < 0.01:
            self.warm_lambdas = max(0, self.warm_lambdas - 1)  # an instance is recycled

        # cron task every 30 s
        if t >= self.next_cron:
            self.next_cron = t + 30
            ok = rng.random() < 0.9
            m.counter("demo_cron_runs_total", 1, {"task": "report_export", "status": "success" if ok else "failure"},
                      help="Scheduled task runs, by status.")
            if ok:
                m.gauge("demo_cron_last_success_timestamp_seconds", int(time.time()), {"task": "report_export"},
                        help="When the scheduled task last succeeded.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds to run (default 300)")
    parser.add_argument("--rate", type=float, default=1.0, help="traffic multiplier (1 = about 300 samples/s)")
    parser.add_argument("--bad-every", type=float, default=10,
                        help="seconds between rejected samples from the buggy sender (0 = none)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable stream")
    args = parser.parse_args()
    if args.duration <= 0 or args.rate <= 0:
        parser.error("--duration and --rate must be positive")

    uri = os.environ.get("REDIS_URI", "redis://localhost:6379/0")
    queue_key = os.environ.get("REDIS_QUEUE_KEY", DEFAULT_QUEUE_KEY)
    client = redis.Redis.from_url(uri, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as e:
        print(f"demo: cannot reach Redis at {redact(uri)}: {e}\n"
              "      start the stack first (make stack, or docker compose up -d) or set REDIS_URI", file=sys.stderr)
        return 1

    print(f"demo: pushing onto {queue_key} at {redact(uri)} for {args.duration:.0f}s (Ctrl-C stops)")
    prometheus = os.environ.get("PROMETHEUS_URL")
    if prometheus:
        for expr in ['sum by (service, status) (rate(demo_http_requests_total[1m]))',
                     'histogram_quantile(0.95, sum by (service, le) (rate(demo_http_request_duration_seconds_bucket[1m])))',
                     'demo_queue_depth',
                     'sum by (reason) (prom_stream_gateway_dropped_metrics_total)']:
            print(f"      {prometheus}/graph?g0.tab=0&g0.range_input=15m&g0.expr={urllib.parse.quote(expr)}")
    if os.environ.get("GRAFANA_URL"):
        print(f"      {os.environ['GRAFANA_URL']}  (dashboard \"Prometheus Stream Gateway\")")

    # a polite stop (kill PID) ends the run like Ctrl-C, with the summary
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    rng = random.Random(args.seed)
    demo = Demo(rng, args.rate)
    sender = PromStreamSender(client, queue_key)
    # inc/dec below move the busy-workers gauge from here, whatever an earlier run left
    sender.gauge("demo_workers_busy", 0, {"service": "mailer"}, help="Workers busy.")
    start = time.monotonic()
    next_tick, next_bad, next_report = start, start + args.bad_every, start + 10
    pushed = rejected = 0
    try:
        while True:
            now = time.monotonic()
            if now - start >= args.duration:
                break
            with sender.pipeline() as batch:
                counting = _Counting(batch)
                demo.tick(counting, now - start)
            pushed += counting.count
            if args.bad_every > 0 and now >= next_bad:
                client.lpush(queue_key, rng.choice(BAD_SAMPLES))
                rejected += 1
                next_bad = now + args.bad_every
            if now >= next_report:
                elapsed = now - start
                print(f"demo: {elapsed:4.0f}s  {pushed} samples pushed ({pushed / elapsed:.0f}/s), "
                      f"{rejected} meant to be rejected", flush=True)
                next_report += 10
            next_tick += TICK
            time.sleep(max(0.0, next_tick - time.monotonic()))
    except KeyboardInterrupt:
        print()
    except redis.RedisError as e:
        print(f"demo: Redis failed: {e}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(f"demo: done, {pushed} samples pushed and {rejected} bad ones in {time.monotonic() - start:.0f}s")
    return 0


class _Counting:
    """Counts the samples a tick pushes."""

    def __init__(self, sender):
        self._sender = sender
        self.count = 0

    def __getattr__(self, name):
        method = getattr(self._sender, name)

        def counted(*args, **kwargs):
            self.count += 1
            return method(*args, **kwargs)
        return counted


if __name__ == "__main__":
    sys.exit(main())
