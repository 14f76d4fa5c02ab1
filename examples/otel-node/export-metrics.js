#!/usr/bin/env node
// Export OpenTelemetry metrics over OTLP/HTTP from a short-lived process, the way an AWS Lambda function
// reports through the OpenTelemetry Node SDK: record, flush once, shut down, exit. Nothing waits on a timer.
//
//     cd examples/otel-node && npm ci
//     node export-metrics.js [--endpoint=http://localhost:9091/v1/metrics] [--protocol=proto|json]
//         [--temporality=delta|cumulative] [--count=100] [--service=otel-node-example] [--instance=<uuid>]
//         [--environment=example] [--region=eu-west-1] [--header=Name:Value]... [--compression=none|gzip]
//         [--timeout-ms=10000] [--flush-only]
//
// --protocol=proto sends application/x-protobuf (@opentelemetry/exporter-metrics-otlp-proto), json sends
// application/json (@opentelemetry/exporter-metrics-otlp-http). --temporality is the exporter's
// AggregationTemporalityPreference: with delta, counters and histograms are delta and the up-down counter and
// the gauge stay cumulative (that is what the SDK's DELTA preference means, per the OpenTelemetry spec).
// The workload (fixed, so that totals are known exactly) is documented in README.md. On success it prints one
// JSON line with what it recorded and exits 0; if an export fails (refused connection, timeout, an answer other
// than 2xx) it says so on stderr and exits 1. OTEL_EXPORTER_OTLP_* variables are overridden by the options.
'use strict';

const { parseArgs } = require('node:util');
const { randomUUID } = require('node:crypto');
const api = require('@opentelemetry/api');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { AggregationTemporalityPreference } = require('@opentelemetry/exporter-metrics-otlp-http');

const startedAt = process.hrtime.bigint();

/** The workload's histogram values, cycled: one per bucket of BUCKETS, all exact binary fractions. */
const DURATIONS = [0.0625, 0.25, 0.75, 2, 8];
const BUCKETS = [0.1, 0.5, 1, 5];
const TEMPERATURE = 21.5;

function fail(message) {
  process.stderr.write(`export-metrics: ${message}\n`);
  process.exit(1);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        endpoint: { type: 'string', default: 'http://localhost:9091/v1/metrics' },
        protocol: { type: 'string', default: 'proto' },
        temporality: { type: 'string', default: 'delta' },
        count: { type: 'string', default: '100' },
        service: { type: 'string', default: 'otel-node-example' },
        instance: { type: 'string' },
        environment: { type: 'string', default: 'example' },
        region: { type: 'string', default: 'eu-west-1' },
        header: { type: 'string', multiple: true, default: [] },
        compression: { type: 'string', default: 'none' },
        'timeout-ms': { type: 'string', default: '10000' },
        'flush-only': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    fail(e.message);
  }
  if (!['proto', 'json'].includes(parsed.protocol)) {
    fail(`--protocol must be proto or json, not ${parsed.protocol}`);
  }
  if (!['delta', 'cumulative'].includes(parsed.temporality)) {
    fail(`--temporality must be delta or cumulative, not ${parsed.temporality}`);
  }
  if (!['none', 'gzip'].includes(parsed.compression)) {
    fail(`--compression must be none or gzip, not ${parsed.compression}`);
  }
  const count = Number(parsed.count);
  if (!Number.isInteger(count) || count < 0) {
    fail(`--count must be a whole number, not ${parsed.count}`);
  }
  const timeoutMillis = Number(parsed['timeout-ms']);
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0) {
    fail(`--timeout-ms must be a positive whole number, not ${parsed['timeout-ms']}`);
  }
  const headers = {};
  for (const header of parsed.header) {
    const colon = header.indexOf(':');
    if (colon <= 0) {
      fail(`--header must be Name:Value, not ${header}`);
    }
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return { ...parsed, count, timeoutMillis, headers, instance: parsed.instance ?? randomUUID() };
}

/**
 * The exporter, wrapped so that the result of every export is seen here: PeriodicExportingMetricReader hands a
 * failed export to the global error handler (a diag message) and forceFlush() still resolves, so a failure is
 * only visible through the result callback.
 */
function recordingExporter(exporter) {
  const results = [];
  return {
    results,
    exporter: {
      export(metrics, resultCallback) {
        exporter.export(metrics, (result) => {
          results.push(result);
          resultCallback(result);
        });
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
      selectAggregationTemporality: exporter.selectAggregationTemporality?.bind(exporter),
      selectAggregation: exporter.selectAggregation?.bind(exporter),
    },
  };
}

function checkExports(results, what) {
  const failed = results.find((result) => result.code !== 0); // ExportResultCode.SUCCESS
  if (failed) {
    const error = failed.error;
    // OTLPExporterError carries the HTTP status and the answer's body.
    const http = typeof error?.code === 'number' ? ` (HTTP ${error.code}${error.data ? `: ${error.data}` : ''})` : '';
    fail(`${what}: the export failed: ${error?.message ?? error ?? 'unknown error'}${http}`);
  }
}

/** A diag logger writing one short line per message to stderr (the SDK hands it errors as JSON strings). */
function stderrDiagLogger() {
  const text = (arg) => {
    if (arg instanceof Error) {
      return arg.message;
    }
    if (typeof arg === 'string') {
      try {
        const parsed = JSON.parse(arg);
        return typeof parsed?.message === 'string' ? parsed.message : arg;
      } catch {
        return arg;
      }
    }
    return JSON.stringify(arg);
  };
  const log = (level) => (message, ...args) => {
    process.stderr.write(`otel ${level}: ${[message, ...args].map(text).join(' ')}\n`);
  };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('verbose') };
}

async function main() {
  const opts = options();
  // Export problems are logged by the SDK through diag; show errors and warnings (not info) on stderr.
  api.diag.setLogger(stderrDiagLogger(), api.DiagLogLevel.WARN);

  const { OTLPMetricExporter } = opts.protocol === 'proto'
    ? require('@opentelemetry/exporter-metrics-otlp-proto')
    : require('@opentelemetry/exporter-metrics-otlp-http');
  const { exporter, results } = recordingExporter(new OTLPMetricExporter({
    url: opts.endpoint,
    headers: opts.headers,
    compression: opts.compression,
    timeoutMillis: opts.timeoutMillis,
    temporalityPreference: opts.temporality === 'delta'
      ? AggregationTemporalityPreference.DELTA
      : AggregationTemporalityPreference.CUMULATIVE,
  }));

  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': opts.service,
      'service.instance.id': opts.instance,
      'deployment.environment.name': opts.environment,
      'cloud.region': opts.region,
    }),
    readers: [new PeriodicExportingMetricReader({
      exporter,
      // Never reached in a short-lived process (its timer is unref'd): the one export is forceFlush's.
      exportIntervalMillis: 3_600_000,
      exportTimeoutMillis: opts.timeoutMillis,
    })],
  });
  const meter = meterProvider.getMeter('prom-stream-gateway-otel-node-example', '1.0.0');

  const requests = meter.createCounter('otel_example_requests', {
    description: 'Simulated requests, by route',
    unit: '{request}',
    valueType: api.ValueType.INT,
  });
  const bytes = meter.createCounter('otel_example_bytes', {
    description: 'Bytes of the simulated responses',
    unit: 'By',
    valueType: api.ValueType.INT,
  });
  const inFlight = meter.createUpDownCounter('otel_example_in_flight', {
    description: 'Simulated requests in flight',
    unit: '{request}',
    valueType: api.ValueType.INT,
  });
  const duration = meter.createHistogram('otel_example_duration', {
    description: 'Duration of the simulated requests',
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  const temperature = meter.createObservableGauge('otel_example_temperature', {
    description: 'A fixed temperature',
    unit: 'Cel',
  });
  temperature.addCallback((result) => result.observe(TEMPERATURE));

  const summary = {
    service: opts.service,
    instance: opts.instance,
    protocol: opts.protocol,
    temporality: opts.temporality,
    endpoint: opts.endpoint,
    count: opts.count,
    requests: { '/a': 0, '/b': 0 },
    bytes: 0,
    in_flight: 0,
    duration: { count: 0, sum: 0, bounds: BUCKETS, bucket_counts: new Array(BUCKETS.length + 1).fill(0) },
    temperature: TEMPERATURE,
  };
  for (let i = 0; i < opts.count; i++) {
    const route = i % 2 === 0 ? '/a' : '/b';
    requests.add(1, { route });
    summary.requests[route]++;
    bytes.add(100);
    summary.bytes += 100;
    inFlight.add(1);
    summary.in_flight++;
    if (i % 4 === 3) {
      inFlight.add(-1);
      summary.in_flight--;
    }
    const seconds = DURATIONS[i % DURATIONS.length];
    duration.record(seconds);
    summary.duration.count++;
    summary.duration.sum += seconds;
    const bucket = BUCKETS.findIndex((le) => seconds <= le);
    summary.duration.bucket_counts[bucket === -1 ? BUCKETS.length : bucket]++;
  }

  await meterProvider.forceFlush();
  checkExports(results, 'forceFlush');
  if (results.length === 0) {
    fail(`forceFlush finished no export within --timeout-ms=${opts.timeoutMillis}`);
  }
  const exported = results.length;
  if (!opts['flush-only']) {
    // Shutting down flushes once more (PeriodicExportingMetricReader.onShutdown): a second request. With delta
    // temporality it holds no counter or histogram points, only the gauge and the (cumulative) up-down counter
    // again; with cumulative temporality it repeats every point with the same start time and value.
    await meterProvider.shutdown();
    checkExports(results, 'shutdown');
  }
  // With --flush-only the process ends like a Lambda environment that is frozen and never shut down: nothing
  // holds the event loop (the reader's timer is unref'd), so it exits after the one request.

  summary.exports = { flush: exported, shutdown: results.length - exported };
  summary.wall_ms = Number((process.hrtime.bigint() - startedAt) / 1_000_000n);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((e) => fail(e?.stack ?? String(e)));
