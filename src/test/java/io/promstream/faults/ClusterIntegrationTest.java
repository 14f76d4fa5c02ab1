package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promstream.parse.Routing;
import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.ExampleSender;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisClusterExtension;
import io.promstream.testing.Workload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisCluster;

/**
 * Gateways on a real Redis Cluster (3 masters, 3 replicas, on loopback ports): one gateway draining several
 * shards filled by the routed example senders; three gateways sharing twelve shards evenly; a gateway killed with
 * {@code kill -9} and its shards taken over with their counters carried on; a master killed and its replica
 * promoted; a gateway stopped (SIGSTOP) past its lease, fenced off, then resumed. Totals are read from every
 * gateway's {@code /metrics} and summed, as {@code sum without (instance)} does, and must be exact.
 */
class ClusterIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stopGateways() {
        started.forEach(GatewayProcess::close);
    }

    private GatewayProcess gateway(String name, int shards) throws IOException {
        return gateway(name, shards, 500);
    }

    private GatewayProcess gateway(String name, int shards, int popCount) throws IOException {
        GatewayProcess gateway = GatewayProcess.start(
                dir,
                name,
                Map.of(
                        "redis.clusterNodes",
                        String.join(",", CLUSTER.seeds()),
                        "redis.shards",
                        Integer.toString(shards),
                        "redis.workers",
                        "2",
                        "redis.popCount",
                        Integer.toString(popCount)));
        started.add(gateway);
        return gateway;
    }

    /** The shards each gateway holds open now, by gateway. */
    private static Map<String, List<Integer>> owners(List<GatewayProcess> gateways) {
        Map<String, List<Integer>> owners = new TreeMap<>();
        for (GatewayProcess g : gateways) {
            List<Integer> open = new ArrayList<>();
            try {
                JsonNode held = JSON.readTree(g.client().get("/api/status").body())
                        .path("shards")
                        .path("held");
                held.forEach(s -> {
                    if ("OPEN".equals(s.path("state").asText())) {
                        open.add(s.path("shard").asInt());
                    }
                });
            } catch (IOException | RuntimeException | AssertionError e) {
                open.add(-1); // unreadable: never balanced
            }
            owners.put(g.name(), open);
        }
        return owners;
    }

    /** Every shard held by exactly one of these gateways, and their counts within one of each other. */
    private static boolean balanced(List<GatewayProcess> gateways, int shards) {
        Map<String, List<Integer>> owners = owners(gateways);
        List<Integer> all =
                owners.values().stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        TreeSet<Integer> distinct = new TreeSet<>(all);
        int min = owners.values().stream().mapToInt(List::size).min().orElse(0);
        int max = owners.values().stream().mapToInt(List::size).max().orElse(0);
        return all.size() == shards
                && distinct.size() == shards
                && distinct.first() == 0
                && distinct.last() == shards - 1
                && max - min <= 1;
    }

    private static void awaitBalanced(List<GatewayProcess> gateways, int shards, Duration within) {
        Await.until(
                within,
                () -> balanced(gateways, shards),
                () -> "not every shard held by exactly one gateway, evenly: " + owners(gateways));
    }

    private static long queued(int shards) {
        try (JedisCluster redis = CLUSTER.client()) {
            long total = 0;
            for (int i = 0; i < shards; i++) {
                total += redis.llen(ShardKeys.of(QUEUE, i, shards).list());
            }
            return total;
        }
    }

    private static void awaitCounted(List<GatewayProcess> gateways, int shards, int pushed) {
        Workload.Totals expected = Workload.expected(pushed);
        List<GatewayClient> clients =
                gateways.stream().map(GatewayProcess::client).collect(Collectors.toList());
        Await.until(
                Duration.ofSeconds(120),
                () -> queued(shards) == 0 && expected.equals(Workload.counted(clients)),
                () -> "counted " + Workload.counted(clients) + " of " + expected + "; " + queued(shards)
                        + " queued; shards held: " + owners(gateways));
    }

    private static void push(int shards, int from, int count) {
        try (JedisCluster redis = CLUSTER.client()) {
            Workload.push(redis, QUEUE, shards, from, count);
        }
    }

    @Test
    void oneGatewayDrainsEveryShardTheRoutedSendersFilledExactly() throws Exception {
        int shards = 4;
        int count = 20;
        GatewayProcess gateway = gateway("solo", shards);
        awaitBalanced(List.of(gateway), shards, Duration.ofSeconds(20));
        Map<String, String> env = new HashMap<>(Map.of(
                "REDIS_URI",
                "redis://127.0.0.1:1/0",
                "REDIS_CLUSTER_NODES",
                String.join(",", CLUSTER.seeds()),
                "REDIS_QUEUE_SHARDS",
                Integer.toString(shards),
                "PYTHONDONTWRITEBYTECODE",
                "1"));
        for (ExampleSender sender : ExampleSender.values()) {
            sender.run(count, env);
        }
        GatewayClient client = gateway.client();
        Await.until(Duration.ofSeconds(60), () -> queued(shards) == 0, "the shards drained");
        for (ExampleSender sender : ExampleSender.values()) {
            String s = "sender=\"" + sender.label + "\"";
            Await.until(
                    Duration.ofSeconds(30),
                    () -> sumOf(client, "example_requests_total", s) == count
                            && sumOf(client, "example_request_duration_seconds_count", s) == count
                            && sumOf(client, "example_job_duration_seconds_count", s) == count
                            && sumOf(client, "example_queue_depth", s) == count - 1
                            && sumOf(client, "example_workers_busy", s) == 10,
                    () -> sender + ": requests " + sumOf(client, "example_requests_total", s) + ", histogram count "
                            + sumOf(client, "example_request_duration_seconds_count", s) + ", summary count "
                            + sumOf(client, "example_job_duration_seconds_count", s) + ", queue depth "
                            + sumOf(client, "example_queue_depth", s) + ", workers busy "
                            + sumOf(client, "example_workers_busy", s));
        }
        assertThat(client.sum("prom_stream_gateway_misrouted_samples_total"))
                .as("the senders route right")
                .isZero();
    }

    private static double sumOf(GatewayClient client, String name, String label) {
        return GatewayClient.samples(client.scrape()).entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") && e.getKey().contains(label))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    @Test
    void aMisroutedSampleIsAppliedCountedAndExposedAsOneSeriesWithItsCorrectlyRoutedTwin() throws Exception {
        int shards = 4;
        GatewayProcess gateway = gateway("solo", shards);
        awaitBalanced(List.of(gateway), shards, Duration.ofSeconds(20));
        String element = "{\"type\":\"counter\",\"name\":\"mis_total\",\"value\":1,\"labels\":{\"k\":\"v\"}}";
        int right = Routing.shardOf("mis_total", new String[] {"k"}, new String[] {"v"}, 1, shards);
        int wrong = (right + 1) % shards;
        try (JedisCluster redis = CLUSTER.client()) {
            redis.lpush(ShardKeys.of(QUEUE, right, shards).list(), element, element);
            redis.lpush(ShardKeys.of(QUEUE, wrong, shards).list(), element);
        }
        GatewayClient client = gateway.client();
        client.awaitValue("mis_total{k=\"v\",}", 3); // one series on /metrics: the stray adds into it
        assertThat(client.value("prom_stream_gateway_misrouted_samples_total")).isEqualTo(1);
    }

    @Test
    void anHttpPushToAGatewayNotHoldingItsShardIsQueuedAndAppliedByTheHolder() throws Exception {
        int shards = 4;
        GatewayProcess a = gateway("a", shards);
        GatewayProcess b = gateway("b", shards);
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(30));
        int shard = Routing.shardOf("pushed_total", new String[] {"k"}, new String[] {"v"}, 1, shards);
        GatewayProcess holder = owners(List.of(a)).get("a").contains(shard) ? a : b;
        GatewayProcess other = holder == a ? b : a;
        HttpResponse<String> reply = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + other.client().appPort() + "/api/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"type\":\"counter\",\"name\":\"pushed_total\",\"value\":5,\"labels\":{\"k\":\"v\"}}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        holder.client().awaitValue("pushed_total{k=\"v\",}", 5);
        assertThat(other.client().value("pushed_total{k=\"v\",}"))
                .as("exposed by one gateway only")
                .isNaN();
    }

    @Test
    void aGatewayStoppedGracefullyHandsItsShardsBackAtOnce() throws Exception {
        int shards = 12;
        GatewayProcess a = gateway("a", shards);
        GatewayProcess b = gateway("b", shards);
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(30));
        push(shards, 0, 30_000);
        awaitCounted(List.of(a, b), shards, 30_000);
        for (int i = 0; i < shards; i++) {
            boolean heldByA = owners(List.of(a)).get("a").contains(i);
            assertThat(a.client().value("prom_stream_gateway_shard_owned{shard=\"" + i + "\",}"))
                    .isEqualTo(heldByA ? 1.0 : 0.0);
        }
        long stopped = System.nanoTime();
        assertThat(b.stop(Duration.ofSeconds(30))).as("b exits").isTrue();
        assertThat(b.log()).contains("Released shard");
        awaitBalanced(List.of(a), shards, Duration.ofSeconds(10));
        System.out.printf(
                "HANDBACK all %d shards held by the other gateway %d ms after SIGTERM%n",
                shards, (System.nanoTime() - stopped) / 1_000_000);
        awaitCounted(List.of(a), shards, 30_000); // b's series came over through its last checkpoints
    }

    @Test
    void threeGatewaysShareTwelveShardsEvenlyAndTogetherCountEverySampleOnce() throws Exception {
        int shards = 12;
        List<GatewayProcess> gateways = List.of(gateway("a", shards), gateway("b", shards), gateway("c", shards));
        awaitBalanced(gateways, shards, Duration.ofSeconds(30));
        push(shards, 0, 60_000);
        awaitCounted(gateways, shards, 60_000);
        assertThat(owners(gateways).values())
                .allSatisfy(held -> assertThat(held).hasSize(4));
    }

    @Test
    void aGatewayKilledWithSigkillHasItsShardsTakenOverAndItsCountersCarriedOn() throws Exception {
        int shards = 12;
        GatewayProcess a = gateway("a", shards);
        GatewayProcess b = gateway("b", shards);
        GatewayProcess c = gateway("c", shards);
        awaitBalanced(List.of(a, b, c), shards, Duration.ofSeconds(30));
        push(shards, 0, 60_000);
        awaitCounted(List.of(a, b, c), shards, 60_000);

        c.kill9();
        long killed = System.nanoTime();
        // leaseTtl is 1.5 s in the test configuration: the rest must hold all twelve within it plus a few seconds
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(10));
        System.out.printf(
                "TAKEOVER all %d shards held again %d ms after kill -9 (leaseTtl 1500 ms)%n",
                shards, (System.nanoTime() - killed) / 1_000_000);
        push(shards, 60_000, 60_000);
        awaitCounted(List.of(a, b), shards, 120_000); // what c counted was in its checkpoints: nothing restarts at 0
    }

    @Test
    void aMasterKilledAndItsReplicaPromotedLeavesTheGatewaysCarryingOn() throws Exception {
        int shards = 12;
        GatewayProcess a = gateway("a", shards, 10); // slow enough to be mid-drain when the master dies
        GatewayProcess b = gateway("b", shards, 10);
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(30));
        push(shards, 0, 100_000);
        long before = queued(shards);
        Await.until(Duration.ofSeconds(30), () -> queued(shards) < before - 5_000, "the gateways drain");
        assertThat(queued(shards)).as("still draining").isGreaterThan(20_000);
        int master =
                CLUSTER.cluster().killMasterOf(ShardKeys.of(QUEUE, 0, shards).list());
        CLUSTER.cluster().awaitFailover(master);
        push(shards, 100_000, 40_000);
        awaitCounted(List.of(a, b), shards, 140_000);
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(20));
    }

    @Test
    void aGatewayStoppedPastItsLeaseIsFencedOffAndGivesUpWhatItNoLongerHolds() throws Exception {
        int shards = 4;
        GatewayProcess a = gateway("a", shards);
        GatewayProcess b = gateway("b", shards);
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(30));
        push(shards, 0, 20_000);
        awaitCounted(List.of(a, b), shards, 20_000);
        List<Integer> heldByA = owners(List.of(a)).get("a");

        a.pause(); // a long GC pause, say: its leases run out on the server
        Await.until(
                Duration.ofSeconds(15),
                () -> owners(List.of(b)).get("b").size() == shards,
                () -> "b did not take over a's shards: " + owners(List.of(b)));
        push(shards, 20_000, 20_000);
        Await.until(Duration.ofSeconds(60), () -> queued(shards) == 0, "b drains every shard alone");
        a.resume();

        Await.until(
                Duration.ofSeconds(15),
                () -> a.log().contains("Lost shard"),
                () -> "a did not notice it lost its shards; its log:\n" + a.log());
        assertThat(a.log())
                .as("fenced: a's leases were taken over")
                .contains("lease was taken over")
                .doesNotContain("Checkpoint of shard");
        assertThat(heldByA).isNotEmpty();
        push(shards, 40_000, 20_000);
        awaitCounted(List.of(a, b), shards, 60_000); // nothing a did after its pause counted, nothing doubled
        awaitBalanced(List.of(a, b), shards, Duration.ofSeconds(20));
    }
}
