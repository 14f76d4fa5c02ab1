package io.promstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promstream.parse.Routing;
import io.promstream.testing.ExampleSender;
import io.promstream.testing.ExternalProcess;
import io.promstream.testing.RedisClusterExtension;
import io.promstream.testing.RedisServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * The example senders of examples/README.md route by the gateway's own function: each runs as a real process
 * (PHP, Python, Node, shell) against a real Redis Cluster with {@code REDIS_CLUSTER_NODES} set and
 * {@code REDIS_QUEUE_SHARDS=4}, and against a single redis-server with 1 shard; then every list is read back and
 * every element must sit on the shard list that {@link Routing#shardOf} gives its (first) sample, the workload's
 * 5 samples per request all there, spread over several shards. The shard functions the examples carry are also
 * checked directly against Routing on cases the workload lacks (non-ASCII, empty label values, unsorted labels).
 *
 * <p>A missing interpreter or client library fails the test, never skips it ({@code make deps} installs them);
 * node-redis is installed with {@code npm ci} into examples/node when it is not there yet.
 */
class ExampleSendersRoutingTest {
    private static final int SHARDS = 4;
    private static final int COUNT = 20; // requests; 5 samples each
    private static final String QUEUE = "psg-test:metric-queue";
    /** Never reachable: in cluster mode the senders must take only the scheme and credentials from it. */
    private static final String UNUSED_URI = "redis://127.0.0.1:1/0";

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    @RegisterExtension
    static final RedisServerExtension SERVER = new RedisServerExtension();

    @ParameterizedTest
    @EnumSource(ExampleSender.class)
    void inAClusterEverySampleGoesOntoTheShardListOfItsSeries(ExampleSender sender) {
        sender.requireReady();

        String output = run(sender.command(COUNT), clusterEnvironment(SHARDS)).output();

        assertThat(output).contains("pushed " + 5 * COUNT + " samples onto " + QUEUE);
        Map<Integer, List<String>> shards = readClusterShards(SHARDS);
        assertEveryElementRouted(shards, SHARDS);
        assertWorkload(shards, sender.label);
        assertThat(shards.values().stream().filter(l -> !l.isEmpty()).count())
                .as("shards used, of %d: %s", SHARDS, sizes(shards))
                .isGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(ExampleSender.class)
    void withOneShardTheQueueIsTheQueueKeyItself(ExampleSender sender) {
        sender.requireReady();
        Map<String, String> env = new HashMap<>(commonEnvironment());
        env.put("REDIS_URI", SERVER.uri());
        env.put("REDIS_CLUSTER_NODES", ""); // set empty: the senders treat it as unset
        env.put("REDIS_QUEUE_SHARDS", "1");

        run(sender.command(COUNT), env);

        try (Jedis jedis = SERVER.client()) {
            assertThat(jedis.keys("*")).containsExactly(QUEUE);
            List<String> elements = jedis.lrange(QUEUE, 0, -1);
            assertWorkload(Map.of(0, elements), sender.label);
        }
    }

    /** with-metrics.sh carries its own copy of the shard function: a success (3 samples) and a failure (2). */
    @Test
    void withMetricsRoutesItsSamplesToo() {
        ExampleSender.SHELL.requireReady();
        Map<String, String> env = clusterEnvironment(SHARDS);

        run(List.of("bash", "examples/shell/with-metrics.sh", "routing_task", "--", "true"), env);
        ExternalProcess.Result failed = ExternalProcess.run(
                List.of("bash", "examples/shell/with-metrics.sh", "routing_task", "--", "false"),
                env,
                RUN_TIMEOUT,
                null);

        assertThat(failed.exitCode())
                .as("the command's status passed through: %s", failed)
                .isEqualTo(1);
        assertThat(failed.output()).as("no push failed").isBlank();
        Map<Integer, List<String>> shards = readClusterShards(SHARDS);
        assertEveryElementRouted(shards, SHARDS);
        List<String> names = shards.values().stream()
                .flatMap(List::stream)
                .map(e -> sample(e).get("name").asText())
                .sorted()
                .collect(Collectors.toList());
        assertThat(names)
                .containsExactly(
                        "cron_job_duration_seconds",
                        "cron_job_duration_seconds",
                        "cron_job_last_success_timestamp_seconds",
                        "cron_job_runs_total",
                        "cron_job_runs_total");
    }

    /**
     * The shard functions of the PHP, Python and Node examples (Node also with its table CRC-32, as on Node
     * before 20.15) against Routing, on the README's worked example and cases the workload has not: non-ASCII
     * names and values (a character outside the BMP too), a label with an empty value, labels not given in
     * order, one shard.
     */
    @Test
    void theCarriedShardFunctionsAgreeWithRouting() {
        ExampleSender.PHP.requireReady();
        ExampleSender.PYTHON.requireReady();
        ExampleSender.NODE.requireReady();
        List<String> expected = List.of(
                Integer.toString(Routing.shardOf(
                        "http_requests_total", new String[] {"method", "status"}, new String[] {"GET", "200"}, 2, 12)),
                Integer.toString(
                        Routing.shardOf("caf\u00e9", new String[] {"k"}, new String[] {"\u20ac\uD83D\uDE00"}, 1, 7)),
                Integer.toString(Routing.shardOf("m", new String[] {"a", "z"}, new String[] {"x", "y"}, 2, 1000)),
                "0");
        assertThat(expected.get(0)).isEqualTo("4"); // examples/README.md

        String php = "require 'examples/php/push_metrics.php';"
                + "echo PromStreamSender::shardOf('http_requests_total', ['status' => '200', 'method' => 'GET'], 12),"
                + " ' ', PromStreamSender::shardOf(\"caf\\u{e9}\", ['k' => \"\\u{20ac}\\u{1F600}\", 'e' => ''], 7),"
                + " ' ', PromStreamSender::shardOf('m', ['z' => 'y', 'empty' => '', 'a' => 'x'], 1000),"
                + " ' ', PromStreamSender::shardOf('m', ['a' => 'x'], 1), \"\\n\";";
        String python = "import sys; sys.path.insert(0, 'examples/python'); from push_metrics import shard_of;"
                + "print(shard_of('http_requests_total', {'status': '200', 'method': 'GET'}, 12),"
                + " shard_of('caf\\u00e9', {'k': '\\u20ac\\U0001F600', 'e': ''}, 7),"
                + " shard_of('m', {'z': 'y', 'empty': '', 'a': 'x'}, 1000), shard_of('m', {'a': 'x'}, 1))";
        String node = "const { shardOf } = require('./examples/node/push-metrics.js');"
                + "console.log(shardOf('http_requests_total', { status: '200', method: 'GET' }, 12),"
                + " shardOf('caf\\u00e9', { k: '\\u20ac\\u{1F600}', e: '' }, 7),"
                + " shardOf('m', { z: 'y', empty: '', a: 'x' }, 1000), shardOf('m', { a: 'x' }, 1));";
        String nodeTable = "delete require('node:zlib').crc32;" + node;

        String wanted = String.join(" ", expected);
        assertThat(run(List.of("php", "-r", php), Map.of()).output().strip())
                .as("PHP")
                .isEqualTo(wanted);
        assertThat(run(List.of("/usr/bin/python3", "-c", python), Map.of("PYTHONDONTWRITEBYTECODE", "1"))
                        .output()
                        .strip())
                .as("Python")
                .isEqualTo(wanted);
        assertThat(run(List.of("node", "-e", node), Map.of()).output().strip())
                .as("Node")
                .isEqualTo(wanted);
        assertThat(run(List.of("node", "-e", nodeTable), Map.of()).output().strip())
                .as("Node, table CRC-32")
                .isEqualTo(wanted);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Map<String, String> commonEnvironment() {
        return Map.of("REDIS_QUEUE_KEY", QUEUE, "PYTHONDONTWRITEBYTECODE", "1");
    }

    private static Map<String, String> clusterEnvironment(int shards) {
        Map<String, String> env = new HashMap<>(commonEnvironment());
        env.put("REDIS_URI", UNUSED_URI);
        env.put("REDIS_CLUSTER_NODES", String.join(",", CLUSTER.seeds()));
        env.put("REDIS_QUEUE_SHARDS", Integer.toString(shards));
        return env;
    }

    private static ExternalProcess.Result run(List<String> command, Map<String, String> env) {
        return ExternalProcess.run(command, env, RUN_TIMEOUT, null).assertOk();
    }

    /**
     * Every shard list read through a cluster client, after checking that the masters hold no other key (so
     * nothing went onto the unsharded key or a wrong name).
     */
    private static Map<Integer, List<String>> readClusterShards(int shards) {
        Set<String> shardKeys = IntStream.range(0, shards)
                .mapToObj(ExampleSendersRoutingTest::shardKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> keys = new TreeSet<>();
        for (int master : CLUSTER.cluster().masters()) {
            try (Jedis jedis = CLUSTER.cluster().nodeClient(master)) {
                keys.addAll(jedis.keys("*"));
            }
        }
        assertThat(shardKeys).as("every key in the cluster is a shard list").containsAll(keys);
        Map<Integer, List<String>> lists = new TreeMap<>();
        try (JedisCluster client = CLUSTER.client()) {
            for (int shard = 0; shard < shards; shard++) {
                lists.put(shard, client.lrange(shardKey(shard), 0, -1));
            }
        }
        return lists;
    }

    private static String shardKey(int shard) {
        return QUEUE + ":{" + shard + "}";
    }

    /** Each element on the list of the shard that Routing gives its first sample (labels sorted, empty dropped). */
    private static void assertEveryElementRouted(Map<Integer, List<String>> shards, int shardCount) {
        for (Map.Entry<Integer, List<String>> list : shards.entrySet()) {
            for (String element : list.getValue()) {
                JsonNode first = sample(element);
                TreeMap<String, String> labels = new TreeMap<>();
                for (Map.Entry<String, JsonNode> label : first.path("labels").properties()) {
                    if (!label.getValue().asText().isEmpty()) {
                        labels.put(label.getKey(), label.getValue().asText());
                    }
                }
                int shard = Routing.shardOf(
                        first.get("name").asText(),
                        labels.keySet().toArray(String[]::new),
                        labels.values().toArray(String[]::new),
                        labels.size(),
                        shardCount);
                assertThat(shard)
                        .as("the shard of %s, found on %s", element, shardKey(list.getKey()))
                        .isEqualTo(list.getKey());
            }
        }
    }

    /** The workload of examples/README.md: COUNT samples of each of its 5 metrics, all labelled with the sender. */
    private static void assertWorkload(Map<Integer, List<String>> shards, String senderLabel) {
        List<JsonNode> samples = shards.values().stream()
                .flatMap(List::stream)
                .map(ExampleSendersRoutingTest::sample)
                .collect(Collectors.toList());
        assertThat(samples).as("elements on all shards").hasSize(5 * COUNT);
        assertThat(samples)
                .allSatisfy(s ->
                        assertThat(s.path("labels").path("sender").asText()).isEqualTo(senderLabel));
        Map<String, Long> perName = samples.stream()
                .collect(Collectors.groupingBy(s -> s.get("name").asText(), TreeMap::new, Collectors.counting()));
        assertThat(perName)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "example_job_duration_seconds", (long) COUNT,
                        "example_queue_depth", (long) COUNT,
                        "example_request_duration_seconds", (long) COUNT,
                        "example_requests_total", (long) COUNT,
                        "example_workers_busy", (long) COUNT)));
    }

    /** An element's sample, or its first one when it is a batch. */
    private static JsonNode sample(String element) {
        try {
            JsonNode node = JSON.readTree(element);
            return node.isArray() ? node.get(0) : node;
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + element, e);
        }
    }

    private static String sizes(Map<Integer, List<String>> shards) {
        return shards.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue().size())
                .collect(Collectors.joining(", "));
    }
}
