#!/usr/bin/python3
"""Push metric samples to a Prometheus Stream Gateway through its Redis queue, with redis-py.

    /usr/bin/python3 examples/python/push_metrics.py [--count 100] [--sender python]

Needs redis-py (Debian: `apt-get install python3-redis`, which is for /usr/bin/python3; elsewhere
`pip install redis`). Environment, the same names the gateway reads: REDIS_URI (default
redis://localhost:6379/0), REDIS_QUEUE_KEY (default prom-stream-gateway:metric-queue), REDIS_QUEUE_SHARDS
(default 1: the queue is the one list REDIS_QUEUE_KEY; N > 1: each sample goes to the list "<key>:{<shard>}"
of its series, `shard_of`) and REDIS_CLUSTER_NODES (comma-separated host:port seeds: connect to a Redis
Cluster with redis.cluster.RedisCluster; REDIS_URI then gives only the scheme and user:password@).

`PromStreamSender` is the part to copy into an application: one LPUSH of one JSON sample per
observation, fire and forget, onto the queue shard of its series (copy `shard_of` along). Several
observations can share one round trip through a pipeline (`with sender.pipeline() as batch: ...`); each is
still its own list element. (A JSON array of samples would be routed by its first sample alone: whoever
batches samples into one element must batch per shard.)

Run as a script it pushes the example workload described in examples/README.md, so that the result can be
checked exactly (the end-to-end test does): `--count` requests, each yielding one sample of each type.
"""

import argparse
import json
import os
import re
import sys
import urllib.parse
import zlib

import redis
import redis.cluster

DEFAULT_QUEUE_KEY = "prom-stream-gateway:metric-queue"


def shard_of(name, labels, shards):
    """The queue shard of a series: CRC-32 (IEEE) of the UTF-8 name followed, for each label in ascending
    order of names, by "\\n" + name + "=" + value, modulo `shards`. Labels with an empty value are skipped
    (Prometheus has no such labels). Code point order is UTF-8 byte order, so sorted() is the right order."""
    if shards <= 1:
        return 0
    key = name + "".join(f"\n{k}={v}" for k, v in sorted(labels.items()) if v != "")
    return zlib.crc32(key.encode("utf-8")) % shards


class PromStreamSender:
    """Sends samples in the gateway's wire format (see docs/wire-format.md).

    `client` is a redis.Redis or a redis.cluster.RedisCluster; `shards` is the gateway's REDIS_QUEUE_SHARDS.
    """

    def __init__(self, client, queue_key=DEFAULT_QUEUE_KEY, shards=1):
        if shards < 1:
            raise ValueError(f"the shard count must be at least 1, not {shards}")
        self._client = client
        self._queue_key = queue_key
        self._shards = shards

    def shard_key(self, shard):
        """The list that shard `shard` of the queue is: "<key>:{<shard>}", or just the key when unsharded."""
        return self._queue_key if self._shards == 1 else f"{self._queue_key}:{{{shard}}}"

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
        labels = {str(k): str(v) for k, v in (labels or {}).items()}
        if labels:
            sample["labels"] = labels
        if help:
            sample["help"] = help
        queue = self.shard_key(shard_of(sample["name"], labels, self._shards))
        # allow_nan=False: NaN/Infinity are not JSON, and the gateway would reject them anyway
        self._client.lpush(queue, json.dumps(sample, separators=(",", ":"), allow_nan=False))

    def pipeline(self):
        """A sender whose pushes are queued and sent when the `with` block ends: in one round trip, or in a
        cluster one per node."""
        return _PipelinedSender(self._client.pipeline(transaction=False), self._queue_key, self._shards)


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


def connect(uri, cluster_nodes=(), **options):
    """A redis.Redis for `uri`, or, given "host:port" seeds, a redis.cluster.RedisCluster with the scheme
    (rediss: TLS) and user:password@ of `uri`."""
    if not cluster_nodes:
        return redis.Redis.from_url(uri, **options)
    parts = urllib.parse.urlsplit(uri)
    seeds = []
    for seed in cluster_nodes:
        host, _, port = seed.rpartition(":")
        seeds.append(redis.cluster.ClusterNode(host.strip("[]"), int(port)))
    return redis.cluster.RedisCluster(
        startup_nodes=seeds, ssl=parts.scheme == "rediss",
        username=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password is not None else None,
        **options)


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
    shards = os.environ.get("REDIS_QUEUE_SHARDS") or "1"
    if not re.fullmatch(r"[1-9][0-9]*", shards):
        print(f"push_metrics.py: REDIS_QUEUE_SHARDS wants a whole number of at least 1, not {shards}",
              file=sys.stderr)
        return 2
    shards = int(shards)
    cluster_nodes = [s.strip() for s in os.environ.get("REDIS_CLUSTER_NODES", "").split(",") if s.strip()]
    target = f"the cluster at {','.join(cluster_nodes)}" if cluster_nodes else redact(uri)
    client = None
    try:
        client = connect(uri, cluster_nodes, socket_timeout=5, socket_connect_timeout=5)
        with PromStreamSender(client, queue_key, shards).pipeline() as batch:
            push_example_workload(batch, args.count, args.sender)
    except (redis.RedisError, redis.exceptions.RedisClusterException) as e:  # the latter is no RedisError
        print(f"push_metrics.py: cannot push to {target}: {e}", file=sys.stderr)
        return 1
    finally:
        if client is not None:
            client.close()
    sharded = f" ({shards} shards)" if shards > 1 else ""
    print(f"python: pushed {5 * args.count} samples onto {queue_key}{sharded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
