package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness around the real Prometheus Pushgateway: start, push, read back, wipe, close. */
class PushgatewayServerTest {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void startsPushesReadsBackAndCloses() throws Exception {
        String url;
        try (PushgatewayServer pushgateway = new PushgatewayServer().start()) {
            url = pushgateway.url();
            assertThat(url).isEqualTo("http://127.0.0.1:" + pushgateway.port());
            assertThat(pushgateway.isRunning()).isTrue();

            HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(url + "/api/v1/status"))
                    .GET()
                    .build());
            assertThat(status.body()).contains("\"persistence.file\":\"\"", "\"web.enable-admin-api\":\"true\"");

            HttpResponse<String> push =
                    send(HttpRequest.newBuilder(URI.create(url + "/metrics/job/harness/instance/i1"))
                            .PUT(
                                    HttpRequest.BodyPublishers.ofString(
                                            "# HELP harness_value A value.\n# TYPE harness_value gauge\nharness_value{kind=\"test\"} 42\n"))
                            .build());
            assertThat(push.statusCode()).isEqualTo(200);
            assertThat(push.body()).isEmpty();

            String exposition = scrape(url);
            assertThat(exposition)
                    .contains("# HELP harness_value A value.\n# TYPE harness_value gauge\n"
                            + "harness_value{instance=\"i1\",job=\"harness\",kind=\"test\"} 42\n")
                    .contains("push_failure_time_seconds{instance=\"i1\",job=\"harness\"} 0\n")
                    .containsPattern("\npush_time_seconds\\{instance=\"i1\",job=\"harness\"} 1\\.\\d+e\\+09\n");

            pushgateway.wipe();
            assertThat(scrape(url)).doesNotContain("harness_value", "job=\"harness\"");
        }
        assertThatThrownBy(() -> http.send(
                        HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aMissingBinaryNamesThePackage() {
        try (PushgatewayServer pushgateway = new PushgatewayServer(Path.of("/nonexistent/prometheus-pushgateway"))) {
            assertThatThrownBy(pushgateway::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("apt-get install prometheus-pushgateway")
                    .hasMessageContaining(PushgatewayServer.BINARY_ENV);
        }
    }

    private String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build());
        assertThat(response.statusCode())
                .as("GET /metrics: %s", response.body())
                .isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
