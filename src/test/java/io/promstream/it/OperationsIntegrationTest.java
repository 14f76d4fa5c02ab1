package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.ClockedGatewayApplication;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Admin tasks, TTL, dead letters and status through the running app (SPEC §4, §6, §7). */
class OperationsIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            ClockedGatewayApplication.class,
            REDIS,
            ConfigOverride.config("redis.deadLetterMaxLength", "5"),
            ConfigOverride.config("aggregation.seriesTtl", "1h"),
            ConfigOverride.config("aggregation.expiryInterval", "50ms"));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final String DEAD = "prom-stream-gateway:dead-letter";
    private static final ObjectMapper JSON = new ObjectMapper();
    private GatewayClient client;

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
    }

    private static void push(String... elements) {
        REDIS.push(QUEUE, elements);
    }

    private static String counter(String name, String labels) {
        return "{\"type\":\"counter\",\"name\":\"" + name + "\",\"value\":1,\"labels\":{" + labels + "}}";
    }

    private HttpResponse<String> reset(String query) {
        return client.adminPost("/tasks/reset-series" + (query.isEmpty() ? "" : "?" + query));
    }

    private String flush() {
        HttpResponse<String> response = client.adminPost("/tasks/flush-queue");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().trim();
    }

    @Test
    void resetByNameRemovesOnlyThatFamilyAndItStartsAgainFromZero() {
        push(
                counter("rs_a", "\"k\":\"1\""),
                counter("rs_a", "\"k\":\"2\""),
                counter("rs_b", ""),
                counter("rs_a", "\"k\":\"1\""));
        flush();
        assertThat(client.value("rs_a_total{k=\"1\",}")).isEqualTo(2);
        assertThat(reset("name=rs_a_total").body().trim()).isEqualTo("removed 2 series");
        String text = client.scrape();
        assertThat(text).doesNotContain("rs_a_total").contains("rs_b_total 1.0");
        push(counter("rs_a", "\"k\":\"1\""));
        flush();
        assertThat(client.value("rs_a_total{k=\"1\",}")).isEqualTo(1);
    }

    @Test
    void resetByLabelsAndByNameAndLabelTogether() {
        push(
                counter("rl_x", "\"env\":\"prod\",\"zone\":\"a\""),
                counter("rl_x", "\"env\":\"dev\""),
                counter("rl_y", "\"env\":\"prod\",\"zone\":\"b\""),
                counter("rl_y", "\"env\":\"dev\""));
        flush();
        assertThat(reset("name=rl_x&label=env%3Ddev").body().trim()).isEqualTo("removed 1 series");
        assertThat(reset("label=env%3Dprod&label=zone%3Db").body().trim()).isEqualTo("removed 1 series");
        assertThat(reset("name=rl_x&name=rl_y&label=env%3Dprod").body().trim()).isEqualTo("removed 1 series");
        assertThat(client.scrape()).doesNotContain("rl_x").contains("rl_y_total{env=\"dev\",} 1.0");
    }

    @Test
    void resetOlderThanUsesTheLastUpdateTime() {
        push(counter("ro_old", ""));
        flush();
        ClockedGatewayApplication.CLOCK.advance(Duration.ofMinutes(20));
        push(counter("ro_new", ""));
        flush();
        assertThat(reset("olderThan=15m&name=ro_old&name=ro_new").body().trim()).isEqualTo("removed 1 series");
        assertThat(client.scrape()).doesNotContain("ro_old").contains("ro_new_total 1.0");
    }

    @Test
    void badParametersAreRefusedAndRemoveNothing() {
        push(counter("rb_keep", ""));
        flush();
        for (String query : List.of("olderThan=yesterday", "label=novalue", "label=%3Dx", "colour=red")) {
            HttpResponse<String> response = reset(query);
            assertThat(response.statusCode()).as(query).isEqualTo(500);
            assertThat(response.body())
                    .as(query)
                    .doesNotContain("\tat ")
                    .containsAnyOf("olderThan", "label", "unknown");
        }
        assertThat(client.value("rb_keep_total")).isEqualTo(1);
    }

    @Test
    void resetWithoutParametersRemovesEverything() {
        push(counter("ra_one", ""), counter("ra_two", ""));
        flush();
        HttpResponse<String> response = reset("");
        assertThat(response.body()).startsWith("removed ");
        assertThat(client.value("prom_stream_gateway_series")).isZero();
        assertThat(client.scrape()).doesNotContain("ra_one");
    }

    @Test
    void flushQueueAppliesEverythingQueuedBeforeItReplies() {
        int pushed = 100_000;
        try (Jedis jedis = REDIS.client()) {
            Pipeline pipeline = jedis.pipelined();
            String[] chunk = new String[1000];
            for (int i = 0; i < pushed; i += chunk.length) {
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = counter("fq_total", "\"k\":\"" + (j % 7) + "\"");
                }
                pipeline.lpush(QUEUE, chunk);
            }
            pipeline.sync();
        }
        String reply = flush();
        assertThat(reply).startsWith("flushed ");
        assertThat(client.sum("fq_total"))
                .as("visible the moment flush-queue replied")
                .isEqualTo(pushed);
    }

    @Test
    void idleSeriesExpireAfterTheTtl() {
        double before = client.value("prom_stream_gateway_series_expired_total");
        push(counter("ttl_gone", ""));
        flush();
        ClockedGatewayApplication.CLOCK.advance(Duration.ofMinutes(61));
        push(counter("ttl_fresh", ""));
        flush();
        Await.until(Duration.ofSeconds(10), () -> !client.scrape().contains("ttl_gone"), "ttl_gone expired");
        assertThat(client.scrape()).contains("ttl_fresh_total 1.0");
        assertThat(client.value("prom_stream_gateway_series_expired_total")).isGreaterThan(before);
    }

    @Test
    void rejectedSamplesLandOnTheCappedDeadLetterList() throws Exception {
        push(
                "{broken",
                "[{\"type\":\"counter\",\"name\":\"dl_ok\",\"value\":1},{\"type\":\"counter\",\"name\":\"dl_bad\",\"value\":-1}]");
        flush();
        Await.until(Duration.ofSeconds(10), () -> deadLetters().size() >= 2, "two dead letters");
        List<String> letters = deadLetters();
        JsonNode newest = JSON.readTree(letters.get(0));
        JsonNode oldest = JSON.readTree(letters.get(1));
        assertThat(oldest.get("reason").asText()).isEqualTo("invalid_json");
        assertThat(oldest.get("payload").asText()).isEqualTo("{broken");
        assertThat(newest.get("reason").asText()).isEqualTo("invalid_value");
        assertThat(newest.get("payload").asText()).isEqualTo("{\"type\":\"counter\",\"name\":\"dl_bad\",\"value\":-1}");
        assertThat(newest.get("error").asText()).contains(">= 0");
        assertThat(newest.get("source").asText()).contains(QUEUE);
        assertThat(newest.get("time").asText()).endsWith("Z");
        assertThat(newest.get("truncated").asBoolean()).isFalse();

        for (int i = 0; i < 20; i++) {
            push("{\"bad\":" + i + "}");
        }
        flush();
        Await.until(Duration.ofSeconds(10), () -> deadLetters().get(0).contains("\\\"bad\\\":19"), "newest kept");
        assertThat(deadLetters()).hasSize(5);
    }

    @Test
    void deadLettersCanBeReplayedWithTheDocumentedScript() {
        push("{\"type\":\"counter\",\"name\":\"replay_me\",\"value\":-2}");
        flush();
        Await.until(Duration.ofSeconds(10), () -> !deadLetters().isEmpty(), "dead letter written");
        try (Jedis jedis = REDIS.client()) {
            // fix the payload the way an operator would, then replay it with the Lua one-liner of docs/operations.md
            String fixed = deadLetters().get(0).replace("-2", "2");
            jedis.del(DEAD);
            jedis.lpush(DEAD, fixed);
            Object replayed = jedis.eval(ReadmeSnippets.REPLAY_LUA, 2, DEAD, QUEUE);
            assertThat(replayed).isEqualTo(1L);
        }
        flush();
        assertThat(client.value("replay_me_total")).isEqualTo(2);
    }

    @Test
    void statusAndHealthOnTheApplicationPort() throws Exception {
        push(counter("st_one", ""), "nope");
        flush();
        HttpResponse<String> status = client.get("/api/status");
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(status.body());
        assertThat(json.get("version").asText()).isNotEmpty();
        assertThat(json.get("series").asInt()).isPositive();
        assertThat(json.get("families").asInt()).isPositive();
        assertThat(json.get("processed").asLong()).isPositive();
        assertThat(json.get("dropped").get("invalid_json").asLong()).isPositive();
        assertThat(json.get("queue").get("key").asText()).isEqualTo(QUEUE);
        assertThat(json.get("workers")).hasSize(2);
        assertThat(json.get("workers").get(0).get("alive").asBoolean()).isTrue();

        HttpResponse<String> health = client.get("/api/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("checks").fieldNames())
                .toIterable()
                .contains("redis", "workers", "backlog", "cardinality");
    }

    private static List<String> deadLetters() {
        try (Jedis jedis = REDIS.client()) {
            return jedis.lrange(DEAD, 0, -1);
        }
    }
}
