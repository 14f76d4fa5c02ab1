#!/usr/bin/python3
"""Push metric samples to a Prometheus Stream Gateway through its Redis queue, with redis-py.

    /usr/bin/python3 examples/python/push_metrics.py [--count 100] [--sender python]

Needs redis-py (Debian: `apt-get install python3-redis`, which is for /usr/bin/python3; elsewhere
`pip install redis`). Environment: REDIS_URI (default redis://localhost:6379/0) and REDIS_QUEUE_KEY
(default prom-stream-gateway:metric-queue), the same names the gateway reads.

`PromStreamSender` is the part to copy into an application: one LPUSH of one JSON sample per
observation, fire and forget. Several observations can share one round trip through a pipeline
(`with sender.pipeline() as batch: ...`); each is still its own list element.

Run as a script it pushes the example workload described in examples/README.md, so that the result can be
checked exactly (the end-to-end test does): `--count` requests, each yielding one sample of each type.
"""

import argparse
import json
import os
import re
import sys

import redis

DEFAULT_QUEUE_KEY = "prom-stream-gateway:metric-queue"


class PromStreamSender:
    """Sends samples in the gateway's wire format (see the README's "Wire format")."""

    def __init__(self, client, queue_key=DEFAULT_QUEUE_KEY):
        self._client = client
        self._queue_key = queue_key

    def counter(self, name, value=1.0, labels=None, help=None):
        self.push({"type": "counter", "name": name, "value": value}, labels, help)

    def gauge(self, name, value, labels=None, help=None, op="set"):
        """op: "set" replaces the value, "inc"/"dec" add/subtract `value`."""
        self.push({"type": "gauge", "name": name, "value": value, "op": op}, labels, help)

    def histogram(self, name, value, labels=None, help=None, buckets=None):
        sample = {"type": "histogram", "name": name, "value": value}
        if buckets is not None:
            sample["buckets"] = list(buckets)
        self.push(sample, labels, help)

    def summary(self, name, value, labels=None, help=None, quantiles=None):
        sample = {"type": "summary", "name": name, "value": value}
        if quantiles is not None:
            sample["quantiles"] = list(quantiles)
        self.push(sample, labels, help)

    def push(self, sample, labels=None, help=None):
        if labels:
            sample["labels"] = {str(k): str(v) for k, v in labels.items()}
        if help:
            sample["help"] = help
        # allow_nan=False: NaN/Infinity are not JSON, and the gateway would reject them anyway
        self._client.lpush(self._queue_key, json.dumps(sample, separators=(",", ":"), allow_nan=False))

    def pipeline(self):
        """A sender whose pushes are queued and sent in one round trip when the `with` block ends."""
        return _PipelinedSender(self._client.pipeline(transaction=False), self._queue_key)


class _PipelinedSender(PromStreamSender):
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._client.execute()
        else:
            self._client.reset()
        return False


def push_example_workload(sender, count, sender_name):
    """The workload of examples/README.md: `count` requests, 5 samples each."""
    buckets = [0.1, 0.25, 0.5, 1, 2.5]
    for i in range(count):
        service = "checkout" if i % 2 == 0 else "search"
        status = "500" if i % 10 == 9 else "200"
        sender.counter("example_requests_total", 1,
                       {"sender": sender_name, "service": service, "status": status},
                       help="Requests handled, by service and status.")
        sender.histogram("example_request_duration_seconds", (10 * (i % 10) + 3) / 100,
                         {"sender": sender_name, "service": service},
                         help="Request latency.", buckets=buckets)
        sender.summary("example_job_duration_seconds", (i % 100 + 1) / 100, {"sender": sender_name},
                       help="Background job duration.")
        sender.gauge("example_queue_depth", i, {"sender": sender_name}, help="Jobs waiting.")
        sender.gauge("example_workers_busy", 1, {"sender": sender_name}, help="Workers busy.",
                     op="dec" if i % 4 == 3 else "inc")


def redact(uri):
    """The URI without its password, for messages."""
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", uri)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="requests to simulate (5 samples each)")
    parser.add_argument("--sender", default="python", help='value of the "sender" label')
    args = parser.parse_args()

    uri = os.environ.get("REDIS_URI", "redis://localhost:6379/0")
    queue_key = os.environ.get("REDIS_QUEUE_KEY", DEFAULT_QUEUE_KEY)
    client = redis.Redis.from_url(uri, socket_timeout=5, socket_connect_timeout=5)
    try:
        with PromStreamSender(client, queue_key).pipeline() as batch:
            push_example_workload(batch, args.count, args.sender)
    except redis.RedisError as e:
        print(f"push_metrics.py: cannot push to {redact(uri)}: {e}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(f"python: pushed {5 * args.count} samples onto {queue_key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
