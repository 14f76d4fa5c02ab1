#!/usr/bin/env node
// Push metric samples to a Prometheus Stream Gateway through its Redis queue, with node-redis.
//
//     cd examples/node && npm ci && node push-metrics.js [--count=100] [--sender=node]
//
// Environment, the same names the gateway reads: REDIS_URI (default redis://localhost:6379/0; rediss:// for
// TLS), REDIS_QUEUE_KEY (default prom-stream-gateway:metric-queue), REDIS_QUEUE_SHARDS (default 1: the queue
// is the one list REDIS_QUEUE_KEY; N > 1: each sample goes to the list "<key>:{<shard>}" of its series,
// shardOf) and REDIS_CLUSTER_NODES (comma-separated host:port seeds: connect to a Redis Cluster with
// createCluster; REDIS_URI then gives only the scheme and user:password@).
//
// PromStreamSender (with shardOf and crc32) is the part to copy into an application: one LPUSH of one JSON
// sample per observation, onto the queue shard of its series. node-redis pipelines the commands issued in the
// same tick automatically, so pushing many samples without awaiting each one costs one round trip (per node,
// in a cluster). A JSON array of samples would be routed by its first sample alone: whoever batches samples
// into one element must batch per shard. Run as a script it pushes the workload of examples/README.md.
'use strict';

const zlib = require('node:zlib');
const { createClient, createCluster } = require('redis');

const DEFAULT_QUEUE_KEY = 'prom-stream-gateway:metric-queue';

/** CRC-32 (IEEE) of a string's UTF-8 bytes: zlib.crc32 on Node >= 20.15 / 22.2, else a table. */
const crc32 = zlib.crc32 ? (text) => zlib.crc32(text) : (() => {
  const table = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c;
  });
  return (text) => {
    let crc = -1;
    for (const byte of Buffer.from(text, 'utf8')) {
      crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ -1) >>> 0;
  };
})();

/**
 * The queue shard of a series: CRC-32 (IEEE) of the UTF-8 name followed, for each label in ascending order of
 * names, by "\n" + name + "=" + value, modulo shards. Labels with an empty value are skipped (Prometheus has
 * no such labels). sort() compares UTF-16 code units: byte order for the ASCII names labels have.
 */
function shardOf(name, labels, shards) {
  if (shards <= 1) {
    return 0;
  }
  let key = name;
  for (const label of Object.keys(labels).sort()) {
    const value = String(labels[label]);
    if (value !== '') {
      key += `\n${label}=${value}`;
    }
  }
  return crc32(key) % shards;
}

class PromStreamSender {
  /** client: from createClient or createCluster; shards: the gateway's REDIS_QUEUE_SHARDS. */
  constructor(client, queueKey = DEFAULT_QUEUE_KEY, shards = 1) {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new RangeError(`the shard count must be a whole number of at least 1, not ${shards}`);
    }
    this.client = client;
    this.queueKey = queueKey;
    this.shards = shards;
  }

  /** The list that shard `shard` of the queue is: "<key>:{<shard>}", or just the key when unsharded. */
  shardKey(shard) {
    return this.shards === 1 ? this.queueKey : `${this.queueKey}:{${shard}}`;
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
    const queue = this.shardKey(shardOf(sample.name, sample.labels || {}, this.shards));
    return this.client.lPush(queue, JSON.stringify(sample));
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

/**
 * A client for url, or, given "host:port" seeds, a cluster client with the scheme (rediss: TLS) and
 * user:password@ of url. Connect it.
 */
function redisFor(url, clusterNodes = []) {
  const socket = { connectTimeout: 5000, reconnectStrategy: false };
  if (clusterNodes.length === 0) {
    return createClient({ url, socket });
  }
  const { protocol, username, password } = new URL(url);
  return createCluster({
    rootNodes: clusterNodes.map((seed) => ({ url: `${protocol}//${seed}` })),
    // defaults apply to every node the cluster client connects to, the seeds and those it discovers
    defaults: {
      ...(username && { username: decodeURIComponent(username) }),
      ...(password && { password: decodeURIComponent(password) }),
      socket: { ...socket, tls: protocol === 'rediss:' },
    },
  });
}

async function main() {
  const count = Number.parseInt(option('count', '100'), 10);
  const sender = option('sender', 'node');
  const url = process.env.REDIS_URI || 'redis://localhost:6379/0';
  const queueKey = process.env.REDIS_QUEUE_KEY || DEFAULT_QUEUE_KEY;
  const shardsText = process.env.REDIS_QUEUE_SHARDS || '1';
  const shards = Number(shardsText);
  if (!/^[1-9][0-9]*$/.test(shardsText)) {
    console.error(`push-metrics.js: REDIS_QUEUE_SHARDS wants a whole number of at least 1, not ${shardsText}`);
    process.exitCode = 2;
    return;
  }
  const clusterNodes = (process.env.REDIS_CLUSTER_NODES || '').split(',').map((s) => s.trim()).filter(Boolean);
  const client = redisFor(url, clusterNodes);
  client.on('error', () => {}); // reported by the failing command below
  try {
    await client.connect();
    await pushExampleWorkload(new PromStreamSender(client, queueKey, shards), count, sender);
  } catch (e) {
    const shown = clusterNodes.length > 0 ? `the cluster at ${clusterNodes.join(',')}`
      : url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    console.error(`push-metrics.js: cannot push to ${shown}: ${e.message}`);
    process.exitCode = 1;
    return;
  } finally {
    if (client.isOpen) {
      await client.quit();
    }
  }
  console.log(`node: pushed ${5 * count} samples onto ${queueKey}${shards > 1 ? ` (${shards} shards)` : ''}`);
}

module.exports = { PromStreamSender, pushExampleWorkload, shardOf, crc32 };

if (require.main === module) {
  main();
}
