package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real client libraries behind {@link GoPusher} (client_golang 1.14) and {@link PythonClient}
 * (prometheus_client 0.16) against the real Pushgateway ({@link PushgatewayServer}, 1.5.1): the values each round
 * is documented to produce are what the reference shows, so they are what our gateway must show for the same
 * pushes.
 */
class ClientPushersTest {
    private static PushgatewayServer pushgateway;

    @BeforeAll
    static void start() {
        pushgateway = new PushgatewayServer().start();
    }

    @AfterAll
    static void stop() {
        if (pushgateway != null) {
            pushgateway.close();
        }
    }

    @Test
    void goPusherPushesProtobufByDefault() {
        GoPusher.push(pushgateway.url(), "clients", "protobuf", "push", 3, "instance=go-proto", "zone=eu");

        Map<String, Double> s = GatewayClient.samples(pushgateway.scrape());
        String g = "instance=\"go-proto\",job=\"clients\",zone=\"eu\"";
        assertThat(s)
                .containsEntry("pusher_requests_total{code=\"200\"," + g + "}", 30.0)
                .containsEntry("pusher_requests_total{code=\"500\"," + g + "}", 3.0)
                .containsEntry("pusher_temperature_celsius{" + g + "}", 23.0)
                .containsEntry("pusher_request_duration_seconds_bucket{" + g + ",le=\"0.1\"}", 3.0)
                .containsEntry("pusher_request_duration_seconds_bucket{" + g + ",le=\"0.5\"}", 6.0)
                .containsEntry("pusher_request_duration_seconds_bucket{" + g + ",le=\"1\"}", 9.0)
                .containsEntry("pusher_request_duration_seconds_bucket{" + g + ",le=\"+Inf\"}", 12.0)
                .containsEntry("pusher_request_duration_seconds_count{" + g + "}", 12.0)
                .containsEntry("pusher_response_size_bytes{" + g + ",quantile=\"0.5\"}", 200.0)
                .containsEntry("pusher_response_size_bytes{" + g + ",quantile=\"0.9\"}", 300.0)
                .containsEntry("pusher_response_size_bytes_sum{" + g + "}", 1800.0)
                .containsEntry("pusher_response_size_bytes_count{" + g + "}", 9.0);
        // 3 x (0.05 + 0.3 + 0.7 + 2) summed in float64: 9.149999999999999
        assertThat(s.get("pusher_request_duration_seconds_sum{" + g + "}")).isCloseTo(9.15, within(1e-9));
        assertThat(s).containsKey("push_time_seconds{" + g + "}");
    }

    @Test
    void goPusherAddsInTheTextFormat() {
        GoPusher.push(pushgateway.url(), "clients", "text", "add", 2, "instance=go-text");

        Map<String, Double> s = GatewayClient.samples(pushgateway.scrape());
        String g = "instance=\"go-text\",job=\"clients\"";
        assertThat(s)
                .containsEntry("pusher_requests_total{code=\"200\"," + g + "}", 20.0)
                .containsEntry("pusher_requests_total{code=\"500\"," + g + "}", 2.0)
                .containsEntry("pusher_temperature_celsius{" + g + "}", 22.0)
                .containsEntry("pusher_request_duration_seconds_bucket{" + g + ",le=\"+Inf\"}", 8.0)
                .containsEntry("pusher_request_duration_seconds_sum{" + g + "}", 6.1)
                .containsEntry("pusher_response_size_bytes{" + g + ",quantile=\"0.9\"}", 300.0)
                .containsEntry("pusher_response_size_bytes_count{" + g + "}", 6.0);
    }

    @Test
    void pythonClientPushes() {
        PythonClient.push(pushgateway.url(), "clients", "push", 2, "instance=py");

        Map<String, Double> s = GatewayClient.samples(pushgateway.scrape());
        String g = "instance=\"py\",job=\"clients\"";
        assertThat(s)
                .containsEntry("pyclient_jobs_total{" + g + ",queue=\"mail\"}", 10.0)
                .containsEntry("pyclient_jobs_total{" + g + ",queue=\"sms\"}", 2.0)
                .containsEntry("pyclient_last_run_seconds{" + g + "}", 1002.0)
                .containsEntry("pyclient_duration_seconds_bucket{" + g + ",le=\"0.1\"}", 2.0)
                .containsEntry("pyclient_duration_seconds_bucket{" + g + ",le=\"1\"}", 4.0)
                .containsEntry("pyclient_duration_seconds_bucket{" + g + ",le=\"+Inf\"}", 4.0)
                .containsEntry("pyclient_duration_seconds_sum{" + g + "}", 1.1)
                .containsEntry("pyclient_payload_bytes_sum{" + g + "}", 80.0)
                .containsEntry("pyclient_payload_bytes_count{" + g + "}", 4.0);
        // the script turns the wall-clock _created series off; a Python summary has no quantiles
        assertThat(s.keySet())
                .noneMatch(k -> k.contains("_created") && k.contains(g))
                .noneMatch(k -> k.startsWith("pyclient_payload_bytes{"));
    }
}
