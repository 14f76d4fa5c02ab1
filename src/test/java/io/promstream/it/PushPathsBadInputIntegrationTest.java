package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Exposition;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input on every push path added for the replaced systems: a clear 4xx, and nothing changes. */
class PushPathsBadInputIntegrationTest {
    private static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private GatewayClient client;

    @BeforeEach
    void seed() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        client.adminPost("/tasks/reset-series");
        send("PUT", "/replace/metrics/job/seed", "text/plain", "# TYPE seed_c counter\nseed_c_total 1\nseed_g 2\n");
        send("PUT", "/replace/metrics/job/seed/instance/i1", "text/plain", "seed_h 1\n");
        send("PUT", "/metrics/job/seed", "text/plain", "# TYPE agg_c counter\nagg_c_total 5\n");
    }

    private HttpResponse<String> send(String method, String path, String contentType, Object body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : body instanceof byte[] bytes
                        ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                        : HttpRequest.BodyPublishers.ofString((String) body);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .method(method, publisher);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build());
    }

    private Map<String, Double> state() {
        return Exposition.parse(
                client.scrape(),
                name -> !name.startsWith("prom_stream_gateway_")
                        && !name.startsWith("jvm_")
                        && !name.startsWith("process_")
                        && !name.startsWith("push_"));
    }

    static Stream<Arguments> badRequests() {
        byte[] truncated = {(byte) 0x20, 10, 3, 'a', 'b'};
        return Stream.of(
                Arguments.of("PUT", "/replace/metrics/job/seed", "text/plain", "seed_g{x=\"1\" 3\n", 400, "line 1"),
                Arguments.of("PUT", "/replace/metrics/job/seed", PROTOBUF, truncated, 400, "protobuf"),
                Arguments.of(
                        "PUT",
                        "/replace/metrics/job/seed",
                        "text/plain",
                        "# TYPE seed_g counter\nseed_g 3\n",
                        400,
                        "inconsistent"),
                Arguments.of(
                        "PUT",
                        "/replace/metrics/job/seed",
                        "text/plain",
                        "seed_g 3 1700000000000\n",
                        400,
                        "timestamps"),
                Arguments.of(
                        "PUT",
                        "/replace/metrics/job/seed/1bad/x",
                        "text/plain",
                        "seed_g 3\n",
                        400,
                        "improper label name"),
                Arguments.of("PUT", "/replace/metrics/job/seed/odd", "text/plain", "seed_g 3\n", 400, "odd number"),
                Arguments.of("PUT", "/replace/metrics/job@base64/!!", "text/plain", "seed_g 3\n", 400, "base64"),
                Arguments.of("PUT", "/replace/metrics/no/job", "text/plain", "seed_g 3\n", 404, "needs a job"),
                Arguments.of("DELETE", "/metrics/no/job", null, null, 405, "needs a job path"),
                Arguments.of("POST", "/metrics", "text/plain", "agg_c_total{ 1\n", 400, "line 1"),
                Arguments.of("POST", "/metrics/a/b/c", "text/plain", "agg_c_total 1\n", 400, "in pairs"),
                Arguments.of(
                        "POST",
                        "/aggregate/metrics/job/seed",
                        "text/plain",
                        "# TYPE agg_c gauge\nagg_c 1\n",
                        400,
                        "not a gauge"),
                Arguments.of("POST", "/aggregate/metrics/job/seed", PROTOBUF, new byte[] {5, 1, 2}, 400, "protobuf"),
                Arguments.of(
                        "POST",
                        "/api/metrics",
                        "application/json",
                        "{\"metric_type\":\"counter\",\"name\":\"agg_c\",\"value\":{\"value\":\"x\"}}",
                        200,
                        "invalid_message"),
                Arguments.of("GET", "/api/v1/admin/wipe", null, null, 405, ""),
                // a group's series is replaced by pushes to the group, never aggregated into
                Arguments.of(
                        "PUT",
                        "/metrics/job/seed/instance/i1",
                        "text/plain",
                        "seed_h 3\n",
                        400,
                        "Pushgateway-style group"));
    }

    @ParameterizedTest(name = "{0} {1} -> {4}")
    @MethodSource("badRequests")
    void isRefusedClearlyAndChangesNothing(
            String method, String path, String contentType, Object body, int status, String says) {
        Map<String, Double> before = state();
        HttpResponse<String> response = send(method, path, contentType, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(says);
        assertThat(state()).isEqualTo(before);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
