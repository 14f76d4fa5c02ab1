package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.ClusterGateways;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.OtelJavaProcess;
import io.promstream.testing.OtelJavaProcess.Temporality;
import io.promstream.testing.RedisClusterExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aggregation.familyRules} (governance-config.yml) on three gateways sharing six shards of a Redis Cluster, fed
 * on every way in: queue elements on every shard, JSON and text pushes and OTLP exports to each gateway. A label a
 * rule aggregates away is on no series anywhere and the totals are whole; a dropped family is exposed nowhere; a
 * family's quota holds on every gateway.
 */
class GovernanceClusterIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    private static final int SHARDS = 6;
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stopGateways() {
        started.forEach(GatewayProcess::close);
    }

    private GatewayProcess gateway(String name) throws IOException {
        return gateway(name, Map.of());
    }

    private GatewayProcess gateway(String name, Map<String, String> more) throws IOException {
        Map<String, String> overrides = new HashMap<>(more);
        overrides.put("redis.clusterNodes", String.join(",", CLUSTER.seeds()));
        overrides.put("redis.shards", Integer.toString(SHARDS));
        GatewayProcess gateway = GatewayProcess.start(dir, name, "governance-config.yml", overrides, "512m");
        started.add(gateway);
        return gateway;
    }

    @Test
    void theRulesHoldOnEveryWayInAndOnEveryGateway() throws Exception {
        List<GatewayProcess> gateways = List.of(gateway("g0"), gateway("g1"), gateway("g2"));
        ClusterGateways.awaitEveryShardHeld(gateways, SHARDS);

        int queued = 24;
        for (int i = 0; i < queued; i++) { // a sender's elements, on every shard
            String element = "{\"type\":\"counter\",\"name\":\"http_requests_total\",\"value\":1,"
                    + "\"labels\":{\"route\":\"/a\",\"request_id\":\"q" + i + "\",\"pod\":\"p" + i % 4 + "\"}}";
            CLUSTER.client().lpush(ShardKeys.of(QUEUE, i % SHARDS, SHARDS).list(), element);
            CLUSTER.client()
                    .lpush(
                            ShardKeys.of(QUEUE, (i + 1) % SHARDS, SHARDS).list(),
                            "{\"type\":\"gauge\",\"name\":\"debug_depth\",\"value\":" + i + "}",
                            "{\"type\":\"counter\",\"name\":\"per_user_total\",\"value\":1,"
                                    + "\"labels\":{\"user\":\"u" + i + "\"}}");
        }
        for (int g = 0; g < 3; g++) {
            GatewayClient client = gateways.get(g).client();
            String json = "[{\"type\":\"counter\",\"name\":\"http_requests_total\",\"value\":2,"
                    + "\"labels\":{\"route\":\"/a\",\"request_id\":\"j" + g + "\"}},"
                    + "{\"type\":\"gauge\",\"name\":\"debug_json\",\"value\":1}]";
            assertThat(post(client, "/api/metrics", "application/json", json)).isIn(200, 202);
            String text = "# TYPE http_requests_total counter\n"
                    + "http_requests_total{route=\"/a\",request_id=\"t" + g + "a\"} 3\n"
                    + "http_requests_total{route=\"/a\",request_id=\"t" + g + "b\"} 3\n"
                    + "# TYPE debug_text gauge\ndebug_text 1\n";
            assertThat(post(client, "/metrics", "text/plain; version=0.0.4", text))
                    .isIn(200, 202);
            String id = "otel-" + g;
            OtelJavaProcess.run(
                    "http://127.0.0.1:" + client.appPort() + "/v1/metrics", "web", Temporality.DELTA, meter -> {
                        var requests = meter.counterBuilder("http.requests").build();
                        requests.add(5, Attributes.of(AttributeKey.stringKey("request_id"), id));
                    });
        }

        double expected = queued + 3 * 2 + 3 * 6; // queue, JSON, text pushes (the OTLP streams carry job="web")
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(gateways, "http_requests_total{route=\"/a\",}") == expected,
                () -> "http_requests_total{route=\"/a\",} summed over the gateways: expected " + expected + ", was "
                        + ClusterGateways.total(gateways, "http_requests_total{route=\"/a\",}") + "; g0 holds "
                        + GatewayClient.samples(gateways.get(0).client().scrape()).keySet().stream()
                                .filter(s -> !s.startsWith("prom_stream_gateway") && !s.startsWith("jvm"))
                                .toList());
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(
                                gateways, "http_requests_total{job=\"web\",otel_scope_name=\"otel-java-process\",}")
                        == 15,
                "the OTLP deltas, added without their request_id");
        for (GatewayProcess g : gateways) {
            String scrape = g.client().scrape();
            assertThat(scrape).doesNotContain("request_id").doesNotContain("pod=\"");
            assertThat(scrape).doesNotContain("debug_");
            long perUser = GatewayClient.samples(scrape).keySet().stream()
                    .filter(s -> s.startsWith("per_user_total{"))
                    .count();
            assertThat(perUser).as(g.name() + "'s per_user series").isLessThanOrEqualTo(5);
        }
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(gateways, "prom_stream_gateway_samples_dropped_by_rule_total")
                        == queued + 3 + 3,
                () -> "samples dropped by the rule: "
                        + ClusterGateways.total(gateways, "prom_stream_gateway_samples_dropped_by_rule_total"));
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(gateways, "per_user_total") + refusedOverQuota(gateways) == queued,
                () -> "per_user: " + ClusterGateways.total(gateways, "per_user_total") + " kept, "
                        + refusedOverQuota(gateways) + " refused over the quota");
        assertThat(refusedOverQuota(gateways)).isPositive();
        JsonNode rules = JSON.readTree(
                        gateways.get(0).client().get("/api/status").body())
                .path("rules");
        assertThat(rules.path("http_requests").asText()).isEqualTo("http_requests: without [pod, request_id]");
        assertThat(rules.path("per_user").asText()).isEqualTo("per_user: maxSeries 5");
    }

    @Test
    void aCredentialsQuotaHoldsOnTheGatewayThatAppliesItsPushes() throws Exception {
        Map<String, String> auth = Map.of(
                "http.bearerTokens", "t0,t1",
                "aggregation.credentialQuotas.token:1", "4");
        List<GatewayProcess> gateways = List.of(gateway("g0", auth), gateway("g1", auth), gateway("g2", auth));
        ClusterGateways.awaitEveryShardHeld(gateways, SHARDS);

        int pushes = 24;
        for (int i = 0; i < pushes; i++) { // each to any gateway; applied where its series' shard is held
            GatewayClient client = gateways.get(i % 3).client();
            String json =
                    "{\"type\":\"counter\",\"name\":\"tenant_jobs\",\"value\":1,\"labels\":{\"i\":\"" + i + "\"}}";
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + "/api/metrics"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer t1")
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build());
            assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
        }
        String refused = "prom_stream_gateway_dropped_metrics_total{reason=\"credential_series_limit\",}";
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(gateways, "tenant_jobs_total") + ClusterGateways.total(gateways, refused)
                        == pushes,
                () -> "tenant_jobs: " + ClusterGateways.total(gateways, "tenant_jobs_total") + " kept, "
                        + ClusterGateways.total(gateways, refused) + " refused over the quota");
        for (GatewayProcess g : gateways) {
            assertThat(g.client().sum("tenant_jobs_total")).as(g.name()).isLessThanOrEqualTo(4);
        }
        assertThat(ClusterGateways.total(gateways, refused)).isPositive();
    }

    private static double refusedOverQuota(List<GatewayProcess> gateways) {
        return ClusterGateways.total(
                gateways, "prom_stream_gateway_dropped_metrics_total{reason=\"family_series_limit\",}");
    }

    private static int post(GatewayClient client, String path, String type, String body) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build())
                .statusCode();
    }
}
