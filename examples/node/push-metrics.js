#!/usr/bin/env node
// Push metric samples to a Prometheus Stream Gateway through its Redis queue, with node-redis.
//
//     cd examples/node && npm ci && node push-metrics.js [--count=100] [--sender=node]
//
// Environment: REDIS_URI (default redis://localhost:6379/0; rediss:// for TLS) and REDIS_QUEUE_KEY
// (default prom-stream-gateway:metric-queue), the same names the gateway reads.
//
// PromStreamSender is the part to copy into an application: one LPUSH of one JSON sample per observation.
// node-redis pipelines the commands issued in the same tick automatically, so pushing many samples without
// awaiting each one costs one round trip. Run as a script it pushes the workload of examples/README.md.
'use strict';

const { createClient } = require('redis');

const DEFAULT_QUEUE_KEY = 'prom-stream-gateway:metric-queue';

class PromStreamSender {
  constructor(client, queueKey = DEFAULT_QUEUE_KEY) {
    this.client = client;
    this.queueKey = queueKey;
  }

  counter(name, value = 1, labels = {}, help = '') {
    return this.push({ type: 'counter', name, value }, labels, help);
  }

  /** op: 'set' replaces the value, 'inc'/'dec' add/subtract value. */
  gauge(name, value, labels = {}, help = '', op = 'set') {
    return this.push({ type: 'gauge', name, value, op }, labels, help);
  }

  histogram(name, value, labels = {}, help = '', buckets = undefined) {
    return this.push({ type: 'histogram', name, value, ...(buckets && { buckets }) }, labels, help);
  }

  summary(name, value, labels = {}, help = '', quantiles = undefined) {
    return this.push({ type: 'summary', name, value, ...(quantiles && { quantiles }) }, labels, help);
  }

  /** Resolves when Redis has the sample. */
  push(sample, labels = {}, help = '') {
    if (!Number.isFinite(sample.value)) {
      return Promise.reject(new RangeError(`${sample.name}: value must be a finite number`));
    }
    if (Object.keys(labels).length > 0) {
      sample.labels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
    }
    if (help) {
      sample.help = help;
    }
    return this.client.lPush(this.queueKey, JSON.stringify(sample));
  }
}

/** The workload of examples/README.md: count requests, 5 samples each. */
function pushExampleWorkload(metrics, count, sender) {
  const buckets = [0.1, 0.25, 0.5, 1, 2.5];
  const pushes = [];
  for (let i = 0; i < count; i++) {
    const service = i % 2 === 0 ? 'checkout' : 'search';
    const status = i % 10 === 9 ? '500' : '200';
    pushes.push(
      metrics.counter('example_requests_total', 1, { sender, service, status },
        'Requests handled, by service and status.'),
      metrics.histogram('example_request_duration_seconds', (10 * (i % 10) + 3) / 100, { sender, service },
        'Request latency.', buckets),
      metrics.summary('example_job_duration_seconds', ((i % 100) + 1) / 100, { sender },
        'Background job duration.'),
      metrics.gauge('example_queue_depth', i, { sender }, 'Jobs waiting.'),
      metrics.gauge('example_workers_busy', 1, { sender }, 'Workers busy.', i % 4 === 3 ? 'dec' : 'inc'),
    );
  }
  return Promise.all(pushes);
}

function option(name, fallback) {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return arg === undefined ? fallback : arg.slice(prefix.length);
}

async function main() {
  const count = Number.parseInt(option('count', '100'), 10);
  const sender = option('sender', 'node');
  const url = process.env.REDIS_URI || 'redis://localhost:6379/0';
  const queueKey = process.env.REDIS_QUEUE_KEY || DEFAULT_QUEUE_KEY;
  const client = createClient({
    url,
    socket: { connectTimeout: 5000, reconnectStrategy: false },
    RESP: 2,
  });
  client.on('error', () => {}); // reported by the failing command below
  try {
    await client.connect();
    await pushExampleWorkload(new PromStreamSender(client, queueKey), count, sender);
  } catch (e) {
    const shown = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    console.error(`push-metrics.js: cannot push to ${shown}: ${e.message}`);
    process.exitCode = 1;
    return;
  } finally {
    if (client.isOpen) {
      await client.close();
    }
  }
  console.log(`node: pushed ${5 * count} samples onto ${queueKey}`);
}

module.exports = { PromStreamSender, pushExampleWorkload };

if (require.main === module) {
  main();
}
