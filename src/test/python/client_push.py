#!/usr/bin/python3
"""Pushes a fixed, deterministic set of metrics to a Pushgateway (or to anything that speaks its protocol,
such as our gateway) with the real Python client: Debian's python3-prometheus-client 0.16. Run it with
Debian's /usr/bin/python3 (another interpreter may lack the module); tests run it through
io.promstream.testing.PythonClient.

Usage:
  client_push.py --url http://127.0.0.1:9091[/prefix] --job JOB [--grouping k=v ...]
                 [--mode push|pushadd|delete] [--round N] [--created] [--timeout 10]

push is push_to_gateway (PUT), pushadd is pushadd_to_gateway (POST), delete is delete_from_gateway (DELETE).
Pushes once and exits 0, or prints the error on stderr and exits 1 (2 for bad arguments).

The URL, as 0.16's _use_gateway builds it: when --url has no http/https scheme, "http://" is put in front;
trailing slashes are stripped; then "/metrics/job/<job>" and, SORTED BY NAME, "/<k>/<v>" are appended by
plain string concatenation. So a path prefix works: http://127.0.0.1:9091/replace pushes to
http://127.0.0.1:9091/replace/metrics/job/JOB/... (a query string or fragment in --url would end up before
/metrics and break the URL). Job and grouping values are urllib.parse.quote_plus'd, so "a b" becomes "a+b"
(which the Pushgateway 1.5.1 stores as the label value "a+b": it only path-unescapes); a value containing
"/" goes as "<k>@base64/<urlsafe base64 WITH '=' padding>" (client_golang pads nothing), an empty one as
"<k>@base64/=".

Every request, DELETE included, carries "Content-Type: text/plain; version=0.0.4; charset=utf-8" (the
DELETE with an empty body and Content-Length: 0). The body is the text format 0.0.4 of generate_latest, with
floats written the Python way ("5.0", "1001.0"). Any HTTP status >= 400 is an error (urllib raises).

Python's client adds a "_created" series (a wall-clock Unix time) for every counter, histogram and summary,
exposed in text 0.0.4 as separate gauge families (pyclient_jobs_created{queue=...},
pyclient_duration_seconds_created, pyclient_payload_bytes_created). Those are NOT deterministic, so this
script turns them off (PROMETHEUS_DISABLE_CREATED_SERIES=True, which 0.16 reads on import) unless --created
is given, which pushes them as the library does by default.

Every run starts from a fresh registry and sets the CUMULATIVE values of round N, so runs with N = 1, 2, 3,
... look like one process pushing the same metrics over time. The body for round N (without --created):

  # HELP pyclient_jobs_total Jobs processed.
  # TYPE pyclient_jobs_total counter                 (Counter "pyclient_jobs" is exposed with _total)
  pyclient_jobs_total{queue="mail"} 5N.0
  pyclient_jobs_total{queue="sms"} N.0
  # HELP pyclient_last_run_seconds Last run.
  # TYPE pyclient_last_run_seconds gauge
  pyclient_last_run_seconds 1000+N.0
  # HELP pyclient_duration_seconds Job duration.
  # TYPE pyclient_duration_seconds histogram
  pyclient_duration_seconds_bucket{le="0.1"} N.0     observations per round: 0.05, 0.5
  pyclient_duration_seconds_bucket{le="1.0"} 2N.0    (le values as Python floats: "0.1", "1.0", "+Inf")
  pyclient_duration_seconds_bucket{le="+Inf"} 2N.0
  pyclient_duration_seconds_count 2N.0
  pyclient_duration_seconds_sum 0.55*N               a float sum, not exact: rounds 1..3 give 0.55,
                                                     1.1, 1.6500000000000001
  # HELP pyclient_payload_bytes Payload size.
  # TYPE pyclient_payload_bytes summary                (no quantiles: Python summaries have none)
  pyclient_payload_bytes_count 2N.0                  observations per round: 10, 30
  pyclient_payload_bytes_sum 40N.0

A Pushgateway re-exposes these with its job/instance labels and Go formatting ("5", "1001", le="1").
"""

import argparse
import os
import sys


def grouping_pair(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("want name=value, got %r" % text)
    return name, value


def client_version():
    try:
        from importlib.metadata import version
        return version("prometheus_client")
    except Exception:  # not installed as a distribution: only informative anyway
        return "?"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="gateway base URL, may end with a path prefix")
    parser.add_argument("--job", required=True)
    parser.add_argument("--grouping", type=grouping_pair, action="append", default=[],
                        help="grouping label name=value (repeatable)")
    parser.add_argument("--mode", choices=("push", "pushadd", "delete"), default="push")
    parser.add_argument("--round", type=int, default=1, help="round N >= 0: the cumulative values to push")
    parser.add_argument("--created", action="store_true",
                        help="keep the library's default _created series (wall-clock times, not deterministic)")
    parser.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout in seconds")
    args = parser.parse_args(argv)
    if args.round < 0:
        parser.error("--round must be >= 0")

    # must be set before prometheus_client is imported: 0.16 reads it once, on import
    os.environ["PROMETHEUS_DISABLE_CREATED_SERIES"] = "False" if args.created else "True"
    try:
        from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, Summary,
                                       delete_from_gateway, push_to_gateway, pushadd_to_gateway)
    except ImportError as e:
        print("client_push.py: prometheus_client is missing for %s (%s): apt-get install python3-prometheus-client"
              % (sys.executable, e), file=sys.stderr)
        return 1

    n = args.round
    registry = CollectorRegistry()
    jobs = Counter("pyclient_jobs", "Jobs processed.", ["queue"], registry=registry)
    last_run = Gauge("pyclient_last_run_seconds", "Last run.", registry=registry)
    duration = Histogram("pyclient_duration_seconds", "Job duration.", buckets=(0.1, 1), registry=registry)
    payload = Summary("pyclient_payload_bytes", "Payload size.", registry=registry)

    jobs.labels(queue="mail").inc(5 * n)
    jobs.labels(queue="sms").inc(n)
    last_run.set(1000 + n)
    for _ in range(n):  # always in this order, so that the float sums are reproducible
        duration.observe(0.05)
        duration.observe(0.5)
        payload.observe(10)
        payload.observe(30)

    grouping = dict(args.grouping)
    try:
        if args.mode == "push":
            push_to_gateway(args.url, args.job, registry, grouping_key=grouping, timeout=args.timeout)
        elif args.mode == "pushadd":
            pushadd_to_gateway(args.url, args.job, registry, grouping_key=grouping, timeout=args.timeout)
        else:
            delete_from_gateway(args.url, args.job, grouping_key=grouping, timeout=args.timeout)
    except Exception as e:  # urllib's HTTPError/URLError, OSError, ...
        detail = ""
        read = getattr(e, "read", None)
        if callable(read):
            try:
                detail = ": " + read().decode("utf-8", "replace").strip()
            except Exception:
                pass
        print("client_push.py: %s failed: %s%s" % (args.mode, e, detail), file=sys.stderr)
        return 1
    print("client_push.py: %s ok (round %d, prometheus_client %s)" % (args.mode, n, client_version()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
