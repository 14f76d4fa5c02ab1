package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.promstream.testing.Await;
import io.promstream.testing.ClusterGateways;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.OtelJavaProcess;
import io.promstream.testing.OtelJavaProcess.Temporality;
import io.promstream.testing.OtlpExports;
import io.promstream.testing.RedisClusterExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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

/**
 * OTLP deltas on a Redis Cluster with three gateways sharing six shards: the OpenTelemetry Java SDK from short-lived
 * processes, each exporting to one of the gateways; one export sent again to every gateway, as an exporter retrying
 * through a load balancer would; then a gateway killed with {@code kill -9}, its shards taken over, and the same
 * export sent again to a survivor. Totals, summed over the gateways, are exact all along.
 */
class OtlpClusterIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    private static final int SHARDS = 6;

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stopGateways() {
        started.forEach(GatewayProcess::close);
    }

    private GatewayProcess gateway(String name) throws IOException {
        GatewayProcess gateway = GatewayProcess.start(
                dir,
                name,
                Map.of(
                        "redis.clusterNodes", String.join(",", CLUSTER.seeds()),
                        "redis.shards", Integer.toString(SHARDS)));
        started.add(gateway);
        return gateway;
    }

    @Test
    void deltasAreExactAcrossGatewaysRetriesAndAKill() throws Exception {
        List<GatewayProcess> gateways = List.of(gateway("g0"), gateway("g1"), gateway("g2"));
        ClusterGateways.awaitEveryShardHeld(gateways, SHARDS);

        for (int process = 0; process < 12; process++) {
            GatewayProcess target = gateways.get(process % 3);
            String fn = process % 2 == 0 ? "resize" : "thumbnail";
            OtelJavaProcess.run(endpoint(target), "images", Temporality.DELTA, meter -> {
                var invocations = meter.counterBuilder("faas.invocations").build();
                for (int i = 0; i < 5; i++) {
                    invocations.add(1, Attributes.of(AttributeKey.stringKey("fn"), fn));
                }
            });
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        byte[] export =
                deltaCounter("retried.uploads", 7, now - 2_000_000_000L, now).toByteArray();
        for (GatewayProcess g : gateways) { // the exporter's retries, each landing on another gateway
            assertThat(post(g, export)).isEqualTo(200);
        }
        awaitTotal(gateways, "faas_invocations_total", 60);
        awaitTotal(gateways, "retried_uploads_total", 7);

        gateways.get(0).kill9();
        List<GatewayProcess> survivors = gateways.subList(1, 3);
        ClusterGateways.awaitEveryShardHeld(survivors, SHARDS);
        assertThat(post(survivors.get(0), export)).isEqualTo(200); // once more, after the takeover
        byte[] later =
                deltaCounter("retried.uploads", 3, now, now + 1_000_000_000L).toByteArray();
        assertThat(post(survivors.get(1), later)).isEqualTo(200);
        awaitTotal(survivors, "retried_uploads_total", 10);
        awaitTotal(survivors, "faas_invocations_total", 60);
        assertThat(ClusterGateways.total(survivors, "prom_stream_gateway_duplicate_points_total"))
                .as("the repeats after the takeover are recognised by the new holder")
                .isGreaterThanOrEqualTo(1);
    }

    private static String endpoint(GatewayProcess g) {
        return "http://127.0.0.1:" + g.client().appPort() + "/v1/metrics";
    }

    private static int post(GatewayProcess g, byte[] body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(endpoint(g)))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    private static void awaitTotal(List<GatewayProcess> gateways, String name, double expected) {
        Await.until(
                Duration.ofSeconds(60),
                () -> ClusterGateways.total(gateways, name) == expected,
                () -> name + " summed over the gateways: expected " + expected + ", was "
                        + ClusterGateways.total(gateways, name));
    }

    private static ExportMetricsServiceRequest deltaCounter(String name, long value, long start, long time) {
        return OtlpExports.deltaCounter("uploader", name, value, start, time, null);
    }
}
