<?php
/**
 * Push metric samples to a Prometheus Stream Gateway through its Redis queue, with phpredis.
 *
 *     php examples/php/push_metrics.php [--count=100] [--sender=php]
 *
 * This is the gateway's original use case: a short-lived PHP process (a request, an AWS Lambda
 * invocation, a queue job) cannot be scraped, so it does one cheap LPUSH of one JSON sample per
 * observation and forgets it; the gateway aggregates. Needs the phpredis extension (Debian:
 * `apt-get install php-cli php-redis`; elsewhere `pecl install redis`).
 *
 * Environment: REDIS_URI (default redis://localhost:6379/0; rediss:// for TLS, user:password@ and a
 * database number are understood), REDIS_QUEUE_KEY (default prom-stream-gateway:metric-queue),
 * REDIS_QUEUE_SHARDS (default 1: the queue is the one list REDIS_QUEUE_KEY; N > 1: each sample goes to the
 * list "<key>:{<shard>}" of its series, PromStreamSender::shardOf) and REDIS_CLUSTER_NODES (host:port seeds,
 * comma-separated: connect to a Redis Cluster with RedisCluster; REDIS_URI then gives only the scheme and
 * user:password@).
 *
 * Run as a script it pushes the example workload described in examples/README.md.
 */

declare(strict_types=1);

final class PromStreamSender
{
    public const DEFAULT_QUEUE_KEY = 'prom-stream-gateway:metric-queue';

    /** @param int $shards the gateway's queue shards (REDIS_QUEUE_SHARDS); 1 = the single list $queueKey */
    public function __construct(
        private Redis|RedisCluster $redis,
        private string $queueKey = self::DEFAULT_QUEUE_KEY,
        private int $shards = 1,
    ) {
        if ($shards < 1) {
            throw new InvalidArgumentException("the shard count must be at least 1, not $shards");
        }
    }

    /**
     * The queue shard of a series: CRC-32 (IEEE) of the UTF-8 name followed, for each label in ascending
     * byte order of names, by "\n" . name . "=" . value, modulo $shards. Labels with an empty value are
     * skipped (Prometheus has no such labels).
     */
    public static function shardOf(string $name, array $labels, int $shards): int
    {
        if ($shards <= 1) {
            return 0;
        }
        ksort($labels, SORT_STRING);
        $key = $name;
        foreach ($labels as $label => $value) {
            if ((string) $value !== '') {
                $key .= "\n" . $label . '=' . $value;
            }
        }
        return crc32($key) % $shards;
    }

    /** The list that shard $shard of the queue is: "<key>:{<shard>}", or just the key when unsharded. */
    public function shardKey(int $shard): string
    {
        return $this->shards === 1 ? $this->queueKey : $this->queueKey . ':{' . $shard . '}';
    }

    /**
     * Connects from a redis:// or rediss:// URI; to a Redis Cluster when $clusterNodes ("host:port" seeds) are
     * given, $uri then giving only the scheme and the user:password@.
     *
     * @param string[] $clusterNodes
     */
    public static function connect(string $uri, string $queueKey = self::DEFAULT_QUEUE_KEY, float $timeout = 2.0,
        int $shards = 1, array $clusterNodes = []): self
    {
        $parts = parse_url($uri);
        if ($parts === false || !in_array($parts['scheme'] ?? '', ['redis', 'rediss'], true)) {
            throw new InvalidArgumentException('REDIS_URI must look like redis://host:6379/0');
        }
        $tls = $parts['scheme'] === 'rediss';
        $auth = null;
        if (isset($parts['pass'])) {
            $password = rawurldecode($parts['pass']);
            $user = rawurldecode($parts['user'] ?? '');
            $auth = $user !== '' ? [$user, $password] : $password;
        }
        if ($clusterNodes !== []) {
            $seeds = array_map(fn (string $seed) => ($tls ? 'tls://' : '') . $seed, array_values($clusterNodes));
            // RedisCluster asks the seeds for the slot map and follows MOVED/ASK redirections itself
            return new self(new RedisCluster(null, $seeds, $timeout, $timeout, false, $auth), $queueKey, $shards);
        }
        $redis = new Redis();
        $redis->connect(($tls ? 'tls://' : '') . ($parts['host'] ?? 'localhost'), (int) ($parts['port'] ?? 6379),
            $timeout);
        $redis->setOption(Redis::OPT_READ_TIMEOUT, $timeout);
        if ($auth !== null) {
            $redis->auth($auth);
        }
        $database = (int) ltrim($parts['path'] ?? '', '/');
        if ($database !== 0) {
            $redis->select($database);
        }
        return new self($redis, $queueKey, $shards);
    }

    public function counter(string $name, float $value = 1, array $labels = [], string $help = ''): void
    {
        $this->push(['type' => 'counter', 'name' => $name, 'value' => $value], $labels, $help);
    }

    /** $op: 'set' replaces the value, 'inc'/'dec' add/subtract $value. */
    public function gauge(string $name, float $value, array $labels = [], string $help = '', string $op = 'set'): void
    {
        $this->push(['type' => 'gauge', 'name' => $name, 'value' => $value, 'op' => $op], $labels, $help);
    }

    /** @param float[]|null $buckets upper bounds; null = the gateway's defaults */
    public function histogram(string $name, float $value, array $labels = [], string $help = '', ?array $buckets = null): void
    {
        $sample = ['type' => 'histogram', 'name' => $name, 'value' => $value];
        if ($buckets !== null) {
            $sample['buckets'] = array_values($buckets);
        }
        $this->push($sample, $labels, $help);
    }

    /** @param float[]|null $quantiles null = the gateway's defaults (0.5, 0.9, 0.99) */
    public function summary(string $name, float $value, array $labels = [], string $help = '', ?array $quantiles = null): void
    {
        $sample = ['type' => 'summary', 'name' => $name, 'value' => $value];
        if ($quantiles !== null) {
            $sample['quantiles'] = array_values($quantiles);
        }
        $this->push($sample, $labels, $help);
    }

    /**
     * One LPUSH per sample, onto its series' shard. (A JSON array of samples is routed by its first sample
     * alone: whoever batches must batch per shard.)
     */
    public function push(array $sample, array $labels = [], string $help = ''): void
    {
        $labels = array_map('strval', $labels);
        if ($labels !== []) {
            // an object even for list-like arrays: the wire format wants {"name": "value"}
            $sample['labels'] = (object) $labels;
        }
        if ($help !== '') {
            $sample['help'] = $help;
        }
        $json = json_encode($sample, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_PRESERVE_ZERO_FRACTION);
        $this->redis->lPush($this->shardKey(self::shardOf($sample['name'], $labels, $this->shards)), $json);
    }
}

/** The workload of examples/README.md: $count requests, 5 samples each. */
function pushExampleWorkload(PromStreamSender $metrics, int $count, string $sender): void
{
    $buckets = [0.1, 0.25, 0.5, 1, 2.5];
    for ($i = 0; $i < $count; $i++) {
        $service = $i % 2 === 0 ? 'checkout' : 'search';
        $status = $i % 10 === 9 ? '500' : '200';
        $metrics->counter('example_requests_total', 1,
            ['sender' => $sender, 'service' => $service, 'status' => $status],
            'Requests handled, by service and status.');
        $metrics->histogram('example_request_duration_seconds', (10 * ($i % 10) + 3) / 100,
            ['sender' => $sender, 'service' => $service], 'Request latency.', $buckets);
        $metrics->summary('example_job_duration_seconds', ($i % 100 + 1) / 100, ['sender' => $sender],
            'Background job duration.');
        $metrics->gauge('example_queue_depth', $i, ['sender' => $sender], 'Jobs waiting.');
        $metrics->gauge('example_workers_busy', 1, ['sender' => $sender], 'Workers busy.',
            $i % 4 === 3 ? 'dec' : 'inc');
    }
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    if (!extension_loaded('redis')) {
        fwrite(STDERR, "push_metrics.php: the phpredis extension is missing (apt-get install php-redis)\n");
        exit(1);
    }
    $options = getopt('', ['count:', 'sender:']);
    $count = (int) ($options['count'] ?? 100);
    $sender = (string) ($options['sender'] ?? 'php');
    $uri = getenv('REDIS_URI') ?: 'redis://localhost:6379/0';
    $queueKey = getenv('REDIS_QUEUE_KEY') ?: PromStreamSender::DEFAULT_QUEUE_KEY;
    $shards = (string) getenv('REDIS_QUEUE_SHARDS'); // not `?: '1'`, which would take "0" for 1
    $shards = $shards === '' ? '1' : $shards;
    if (preg_match('/^[1-9][0-9]*$/', $shards) !== 1) {
        fwrite(STDERR, "push_metrics.php: REDIS_QUEUE_SHARDS wants a whole number of at least 1, not $shards\n");
        exit(2);
    }
    $clusterNodes = array_values(array_filter(array_map('trim', explode(',', getenv('REDIS_CLUSTER_NODES') ?: ''))));
    try {
        $metrics = PromStreamSender::connect($uri, $queueKey, 2.0, (int) $shards, $clusterNodes);
        pushExampleWorkload($metrics, $count, $sender);
    } catch (RedisException | RedisClusterException $e) {
        $shown = $clusterNodes !== [] ? 'the cluster at ' . implode(',', $clusterNodes)
            : preg_replace('#//([^:@/]*):[^@/]*@#', '//$1:***@', $uri);
        fwrite(STDERR, "push_metrics.php: cannot push to $shown: {$e->getMessage()}\n");
        exit(1);
    }
    printf("php: pushed %d samples onto %s%s\n", 5 * $count, $queueKey,
        (int) $shards > 1 ? " ($shards shards)" : '');
}
