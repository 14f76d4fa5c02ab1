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
 * database number are understood) and REDIS_QUEUE_KEY (default prom-stream-gateway:metric-queue).
 *
 * Run as a script it pushes the example workload described in examples/README.md.
 */

declare(strict_types=1);

final class PromStreamSender
{
    public const DEFAULT_QUEUE_KEY = 'prom-stream-gateway:metric-queue';

    public function __construct(private Redis $redis, private string $queueKey = self::DEFAULT_QUEUE_KEY)
    {
    }

    /** Connects from a redis:// or rediss:// URI. */
    public static function connect(string $uri, string $queueKey = self::DEFAULT_QUEUE_KEY, float $timeout = 2.0): self
    {
        $parts = parse_url($uri);
        if ($parts === false || !in_array($parts['scheme'] ?? '', ['redis', 'rediss'], true)) {
            throw new InvalidArgumentException('REDIS_URI must look like redis://host:6379/0');
        }
        $host = $parts['host'] ?? 'localhost';
        if ($parts['scheme'] === 'rediss') {
            $host = 'tls://' . $host;
        }
        $redis = new Redis();
        $redis->connect($host, (int) ($parts['port'] ?? 6379), $timeout);
        $redis->setOption(Redis::OPT_READ_TIMEOUT, $timeout);
        if (isset($parts['pass'])) {
            $password = rawurldecode($parts['pass']);
            $user = rawurldecode($parts['user'] ?? '');
            $redis->auth($user !== '' ? [$user, $password] : $password);
        }
        $database = (int) ltrim($parts['path'] ?? '', '/');
        if ($database !== 0) {
            $redis->select($database);
        }
        return new self($redis, $queueKey);
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

    /** One LPUSH per sample. */
    public function push(array $sample, array $labels = [], string $help = ''): void
    {
        if ($labels !== []) {
            // an object even for list-like arrays: the wire format wants {"name": "value"}
            $sample['labels'] = (object) array_map('strval', $labels);
        }
        if ($help !== '') {
            $sample['help'] = $help;
        }
        $json = json_encode($sample, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_PRESERVE_ZERO_FRACTION);
        $this->redis->lPush($this->queueKey, $json);
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
    try {
        pushExampleWorkload(PromStreamSender::connect($uri, $queueKey), $count, $sender);
    } catch (RedisException $e) {
        $shown = preg_replace('#//([^:@/]*):[^@/]*@#', '//$1:***@', $uri);
        fwrite(STDERR, "push_metrics.php: cannot push to $shown: {$e->getMessage()}\n");
        exit(1);
    }
    printf("php: pushed %d samples onto %s\n", 5 * $count, $queueKey);
}
