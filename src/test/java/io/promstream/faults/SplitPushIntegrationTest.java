package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.Routing;
import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisCluster;
import io.promstream.testing.RedisClusterExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisCluster;

/**
 * An HTTP push split over shards on two masters, one of them stopped (issue 19, finding 2): it is stored whole or
 * not at all. The push answers 503 and nothing of it is applied, whichever of its masters is the stopped one (the
 * one its decision is kept on, or another); once the master is back, the sender's retry is counted exactly once.
 * The cluster's node timeout (10 s) outlasts the stop, so no failover happens meanwhile.
 */
class SplitPushIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER =
            new RedisClusterExtension(new RedisCluster(3, 1, Duration.ofSeconds(10)));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int SHARDS = 6;

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(GatewayProcess::close);
    }

    /**
     * A value of label {@code k} that routes series {@code name} (with the {@code labels} before it) onto
     * {@code shard}, spelt with or without {@code _total}.
     */
    private static String labelFor(String name, int shard, String... labels) {
        String[] names = new String[labels.length / 2 + 1];
        String[] values = new String[names.length];
        for (int i = 0; i < labels.length / 2; i++) {
            names[i] = labels[2 * i];
            values[i] = labels[2 * i + 1];
        }
        names[names.length - 1] = "k";
        for (int k = 0; ; k++) {
            values[values.length - 1] = "v" + k;
            if (Routing.shardOf(name, names, values, names.length, SHARDS) == shard
                    && Routing.shardOf(name + "_total", names, values, names.length, SHARDS) == shard) {
                return "v" + k;
            }
        }
    }

    /** Two shards on two different masters, the lower first. */
    private static int[] shardsOnTwoMasters() {
        RedisCluster cluster = CLUSTER.cluster();
        int first = cluster.masterOf(ShardKeys.of(QUEUE, 0, SHARDS).list());
        for (int s = 1; s < SHARDS; s++) {
            if (cluster.masterOf(ShardKeys.of(QUEUE, s, SHARDS).list()) != first) {
                return new int[] {0, s};
            }
        }
        throw new AssertionError("every shard on one master");
    }

    private static long staged() {
        try (JedisCluster redis = CLUSTER.client()) {
            long total = 0;
            for (int s = 0; s < SHARDS; s++) {
                total += redis.hlen(ShardKeys.of(QUEUE, s, SHARDS).staged());
            }
            return total;
        }
    }

    private static HttpResponse<String> post(GatewayClient client, String path, String type, String body) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void aPushSplitOverTwoMastersIsStoredWholeOrNotAtAllWhicheverMasterIsStopped() throws IOException {
        GatewayProcess gateway = GatewayProcess.start(
                dir,
                "split",
                Map.of(
                        "redis.clusterNodes",
                        String.join(",", CLUSTER.seeds()),
                        "redis.shards",
                        Integer.toString(SHARDS),
                        "redis.leaseTtl",
                        "30s",
                        "redis.stagedPushTimeout",
                        "2s"));
        started.add(gateway);
        GatewayClient client = gateway.client();
        int[] shards = shardsOnTwoMasters();
        RedisCluster cluster = CLUSTER.cluster();
        for (int stopped : shards) { // the decision's shard, then the other one
            String tag = "s" + stopped;
            String low = labelFor("split_" + tag, shards[0]);
            String high = labelFor("split_" + tag, shards[1]);
            String json = "[{\"type\":\"counter\",\"name\":\"split_" + tag + "\",\"value\":1,\"labels\":{\"k\":\"" + low
                    + "\"}},{\"type\":\"counter\",\"name\":\"split_" + tag + "\",\"value\":1,\"labels\":{\"k\":\""
                    + high
                    + "\"}}]";
            String textLow = labelFor("text_" + tag, shards[0], "job", "j");
            String textHigh = labelFor("text_" + tag, shards[1], "job", "j");
            String text = "# TYPE text_" + tag + " counter\ntext_" + tag + "{k=\"" + textLow + "\"} 1\ntext_" + tag
                    + "{k=\"" + textHigh + "\"} 1\n";

            int master = cluster.masterOf(ShardKeys.of(QUEUE, stopped, SHARDS).list());
            RedisCluster.Pause pause = cluster.pause(master, Duration.ofSeconds(60));
            HttpResponse<String> jsonReply = post(client, "/api/metrics", "application/json", json);
            HttpResponse<String> textReply = post(client, "/metrics/job/j", "text/plain", text);
            pause.resume();
            assertThat(jsonReply.statusCode())
                    .as("JSON push with shard %s stopped: %s", stopped, jsonReply.body())
                    .isEqualTo(503);
            assertThat(textReply.statusCode())
                    .as("text push with shard %s stopped: %s", stopped, textReply.body())
                    .isEqualTo(503);

            Await.until(Duration.ofSeconds(60), () -> staged() == 0, () -> staged() + " copies still staged");
            assertThat(client.adminPost("/tasks/flush-queue").statusCode()).isEqualTo(200);
            String exposition = client.scrape();
            assertThat(exposition)
                    .as("nothing of a push answered 503 is applied")
                    .doesNotContain("split_" + tag)
                    .doesNotContain("text_" + tag);

            assertThat(post(client, "/api/metrics", "application/json", json).statusCode())
                    .isEqualTo(200);
            assertThat(post(client, "/metrics/job/j", "text/plain", text).statusCode())
                    .isEqualTo(200);
            Await.until(
                    Duration.ofSeconds(30),
                    () -> client.sum("split_" + tag + "_total") == 2
                            && client.sum("text_" + tag + "_total") + client.sum("text_" + tag) == 2,
                    () -> "the retries counted " + client.sum("split_" + tag + "_total") + " and "
                            + (client.sum("text_" + tag + "_total") + client.sum("text_" + tag)) + ", not 2 each");
        }
    }
}
