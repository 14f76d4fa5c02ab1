#!/usr/bin/python3
"""Render grafana/dashboards/prom-stream-gateway.json to a PNG without Grafana.

    /usr/bin/python3 grafana/render_dashboard.py [--prometheus URL] [--minutes 10] [--out docs/dashboard.png]

Runs every panel's own queries against a Prometheus (query_range over the last --minutes) and draws the
panels where the dashboard puts them, in Grafana's dark colours: stat panels as their last value on the
threshold colour, time series as lines (stacked where the panel stacks, on the right axis where the panel's
overrides put them). Template variables: $job and $instance match the --job and every instance;
$__rate_interval is --rate-interval. It is a picture of what the dashboard shows, for docs/operations.md, not a
Grafana replacement. Needs matplotlib (Debian: python3-matplotlib); the Prometheus defaults to the one in
.run/stack/env (make stack), else http://127.0.0.1:9090.
"""

import argparse
import datetime
import json
import math
import os
import re
import sys
import urllib.parse
import urllib.request

try:
    import matplotlib
except ImportError:
    sys.exit("render_dashboard.py needs matplotlib: apt-get install python3-matplotlib (for /usr/bin/python3)")

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BG, PANEL, TEXT, GRID, MUTED = "#111217", "#181b1f", "#d8d9da", "#2c3235", "#8e8e8e"
# Grafana's classic palette, less its red, which is kept for errors
PALETTE = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#b877d9", "#4dd0c9", "#705da0", "#37872d", "#fade2a",
           "#ff9830", "#96d98d", "#ca95e5"]
GRAFANA_COLOURS = {"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830", "yellow": "#fade2a", "blue": "#5794f2"}


def default_prometheus():
    env = os.path.join(ROOT, ".run", "stack", "env")
    if os.path.exists(env):
        with open(env) as f:
            for line in f:
                if line.startswith("PROMETHEUS_URL="):
                    return line.split("=", 1)[1].strip()
    return "http://127.0.0.1:9090"


def query_range(base, expr, start, end, step):
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{params}", timeout=30) as reply:
        answer = json.load(reply)
    if answer.get("status") != "success":
        raise RuntimeError(f"{expr}: {answer.get('error')}")
    return answer["data"]["result"]


def legend(fmt, metric):
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip() or str(metric)


def si(value, digits=3):
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    for factor, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.{digits}g}{suffix}"
    return f"{value:.{digits}g}"


def fmt(value, unit):
    if value is None or not math.isfinite(value):
        return "No data"
    if unit == "bytes":
        for factor, suffix in ((2**30, " GiB"), (2**20, " MiB"), (2**10, " KiB")):
            if abs(value) >= factor:
                return f"{value / factor:.3g}{suffix}"
        return f"{value:.0f} B"
    if unit == "s":
        if value != 0 and abs(value) < 1e-3:
            return f"{value * 1e6:.3g} µs"
        if value != 0 and abs(value) < 1:
            return f"{value * 1e3:.3g} ms"
        return f"{value:.3g} s"
    if unit == "percentunit":
        return f"{value * 100:.3g}%"
    if unit == "ops":
        return f"{si(value)} /s"
    return si(value)


def threshold_colour(panel, value):
    steps = panel["fieldConfig"]["defaults"].get("thresholds", {}).get("steps", [])
    colour = "green"
    for step in steps:
        if step["value"] is None or (value is not None and value >= step["value"]):
            colour = step["color"]
    return GRAFANA_COLOURS.get(colour, colour)


def right_axis_patterns(panel):
    patterns = []
    for override in panel["fieldConfig"].get("overrides", []):
        props = {p["id"]: p["value"] for p in override["properties"]}
        if props.get("custom.axisPlacement") == "right":
            patterns.append((re.compile(override["matcher"]["options"]), props.get("unit")))
    return patterns


def substitute(expr, args):
    return (expr.replace("$__rate_interval", args.rate_interval)
            .replace("$job", args.job).replace("$instance", ".+"))


def draw_stat(ax, panel, series):
    values = [v for _, v in series[0][1]] if series else []
    last = values[-1] if values else None
    ax.set_facecolor(threshold_colour(panel, last) if last is not None else PANEL)
    unit = panel["fieldConfig"]["defaults"].get("unit", "short")
    decimals = panel["fieldConfig"]["defaults"].get("decimals")
    text = fmt(last, unit)
    if last is not None and decimals is not None:
        if unit == "percentunit":
            text = f"{last * 100:.{decimals}f}%"
        elif unit in ("short", "none"):
            text = f"{last:,.{decimals}f}"
    ax.text(0.5, 0.42, text, ha="center", va="center", fontsize=22, color="white", weight="bold",
            transform=ax.transAxes)
    if len(values) > 1:  # a sparkline, as Grafana's graphMode "area"
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1
        xs = [i / (len(values) - 1) for i in range(len(values))]
        ys = [0.05 + 0.25 * (v - lo) / span for v in values]
        ax.fill_between(xs, 0, ys, color="white", alpha=0.15, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_series(fig, ax, panel, results, legend_anchor, ncol, start, end):
    unit = panel["fieldConfig"]["defaults"].get("unit", "short")
    custom = panel["fieldConfig"]["defaults"].get("custom", {})
    stacked = custom.get("stacking", {}).get("mode") == "normal"
    right = right_axis_patterns(panel)
    ax2, right_unit = None, None
    colour_index = 0
    stack_base = {}
    handles = []
    for name, points in results:
        if not points:
            continue
        times = [datetime.datetime.fromtimestamp(t) for t, _ in points]
        values = [v for _, v in points]
        target_ax = ax
        for pattern, override_unit in right:
            if pattern.fullmatch(name):
                if ax2 is None:
                    ax2 = ax.twinx()
                    right_unit = override_unit or unit
                target_ax = ax2
        colour = PALETTE[colour_index % len(PALETTE)]
        if name.startswith("Redis errors"):
            colour = GRAFANA_COLOURS["red"]
        colour_index += 1
        if stacked:
            base = [stack_base.get(t, 0.0) for t, _ in points]
            top = [b + v for b, v in zip(base, values)]
            target_ax.fill_between(times, base, top, color=colour, alpha=0.35, linewidth=0)
            (line,) = target_ax.plot(times, top, color=colour, linewidth=1.2, label=name)
            for (t, _), v in zip(points, top):
                stack_base[t] = v
        else:
            (line,) = target_ax.plot(times, values, color=colour, linewidth=1.4, label=name)
            target_ax.fill_between(times, 0, values, color=colour, alpha=0.08, linewidth=0)
        handles.append(line)
    for axis, axis_unit in ((ax, unit), (ax2, right_unit)):
        if axis is None:
            continue
        axis.set_ylim(bottom=0)
        if axis.get_ylim()[1] <= 1e-9 or all(not line.get_ydata().any() for line in axis.get_lines()):
            axis.set_ylim(0, 1)  # all zero: Grafana's 0..1 rather than a scale of nothing
        axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _, u=axis_unit: fmt(v, u)))
        axis.tick_params(colors=MUTED, labelsize=7)
        for spine in axis.spines.values():
            spine.set_visible(False)
    ax.set_xlim(datetime.datetime.fromtimestamp(start), datetime.datetime.fromtimestamp(end))
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    if handles:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=legend_anchor, ncol=ncol, fontsize=7.5,
                   frameon=False, labelcolor=TEXT, handlelength=1.2, columnspacing=1.2, borderaxespad=0)
    else:
        ax.text(0.5, 0.5, "No data", ha="center", va="center", color=MUTED, transform=ax.transAxes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prometheus", default=None, help="Prometheus base URL")
    parser.add_argument("--dashboard", default=os.path.join(ROOT, "grafana", "dashboards", "prom-stream-gateway.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "dashboard.png"))
    parser.add_argument("--minutes", type=float, default=10, help="time range ending now")
    parser.add_argument("--end", type=float, default=None, help="end of the range (Unix time; default now)")
    parser.add_argument("--job", default="prom-stream-gateway", help="value of $job")
    parser.add_argument("--rate-interval", default="1m", help="value of $__rate_interval")
    args = parser.parse_args()
    base = (args.prometheus or default_prometheus()).rstrip("/")

    with open(args.dashboard) as f:
        dashboard = json.load(f)
    end = args.end or datetime.datetime.now().timestamp()
    start = end - args.minutes * 60
    step = max(5, int(args.minutes * 60 / 240))

    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    unit_h, width = 0.42, 16.0
    header = 0.9
    fig = plt.figure(figsize=(width, rows * unit_h + header), facecolor=BG)
    total_h = rows * unit_h + header
    fig.text(0.012, 1 - 0.35 / total_h, dashboard["title"], color=TEXT, fontsize=15, weight="bold", va="center")
    span = (f"{datetime.datetime.fromtimestamp(start):%Y-%m-%d %H:%M} – "
            f"{datetime.datetime.fromtimestamp(end):%H:%M}  ·  job={args.job}  ·  Prometheus data from "
            f"`make stack` + `make demo`")
    fig.text(0.988, 1 - 0.35 / total_h, span, color=MUTED, fontsize=9, ha="right", va="center")

    for panel in panels:
        g = panel["gridPos"]
        # the panel's box in figure coordinates, a small gutter around it
        x0 = g["x"] / 24 + 0.004
        w = g["w"] / 24 - 0.008
        top = 1 - (header + g["y"] * unit_h) / total_h
        h = g["h"] * unit_h / total_h
        frame = fig.add_axes([x0, top - h + 0.004, w, h - 0.008])
        frame.set_facecolor(PANEL)
        frame.set_xticks([])
        frame.set_yticks([])
        for spine in frame.spines.values():
            spine.set_color(GRID)
        frame.text(0.015, 0.97, panel["title"], color=TEXT, fontsize=10, weight="bold", va="top",
                   transform=frame.transAxes)
        results = []
        for target in panel["targets"]:
            expr = substitute(target["expr"], args)
            for r in query_range(base, expr, start, end, step):
                points = [(float(t), float(v)) for t, v in r["values"] if math.isfinite(float(v))]
                results.append((legend(target.get("legendFormat", ""), r["metric"]), points))
        if panel["type"] == "stat":
            inner = fig.add_axes([x0 + 0.002, top - h + 0.008, w - 0.004, h - 0.03 - 0.008])
            draw_stat(inner, panel, results)
        else:
            # in inches: title 0.4 above, tick labels 0.3 and a legend row of 0.19 per 3 series below
            ncol = 3
            legend_rows = math.ceil(max(1, len([r for r in results if r[1]])) / ncol)
            below = 0.3 + 0.19 * legend_rows + 0.08
            has_right = bool(right_axis_patterns(panel))
            left, right = 0.62 / width, (0.62 if has_right else 0.15) / width
            inner = fig.add_axes([x0 + left, top - h + below / total_h, w - left - right,
                                  h - (below + 0.42) / total_h])
            inner.set_facecolor(PANEL)
            draw_series(fig, inner, panel, results, (x0 + 0.006, top - h + 0.1 / total_h), ncol, start, end)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out, dpi=90, facecolor=BG)
    print(f"wrote {args.out} ({len(panels)} panels, {args.minutes:g} minutes from {base})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
