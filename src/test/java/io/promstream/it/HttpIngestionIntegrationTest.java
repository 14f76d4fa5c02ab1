package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.Promtool;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP ingestion through the running app: the JSON API and Pushgateway-compatible text pushes. */
class HttpIngestionIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP =
            TestGateways.extension(REDIS, ConfigOverride.config("http.maxBodyBytes", "4096"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private GatewayClient client;
    private String base;

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        base = "http://127.0.0.1:" + APP.getLocalPort();
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.build());
    }

    private HttpResponse<String> postJson(String json) {
        return send("POST", "/api/metrics", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- POST /api/metrics ----

    @Test
    void jsonObjectsArraysAndWrappersAreApplied() throws Exception {
        HttpResponse<String> one = postJson("{\"type\":\"counter\",\"name\":\"hj_jobs\",\"value\":2}");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).get("accepted").asInt()).isEqualTo(1);
        postJson(
                "[{\"type\":\"counter\",\"name\":\"hj_jobs\",\"value\":1},{\"type\":\"gauge\",\"name\":\"hj_temp\",\"value\":3}]");
        HttpResponse<String> wrapped = postJson("{\"source\":\"lambda-7\",\"metrics\":["
                + "{\"type\":\"counter\",\"name\":\"hj_jobs\",\"value\":4},"
                + "{\"type\":\"counter\",\"name\":\"hj_jobs\",\"value\":-4},"
                + "{\"type\":\"gauge\",\"name\":\"hj_jobs\",\"value\":1}]}");
        JsonNode reply = JSON.readTree(wrapped.body());
        assertThat(wrapped.statusCode()).isEqualTo(200);
        assertThat(reply.get("accepted").asInt()).isEqualTo(1);
        assertThat(reply.get("rejected")).hasSize(2);
        assertThat(reply.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(reply.get("rejected").get(0).get("reason").asText()).isEqualTo("invalid_value");
        assertThat(reply.get("rejected").get(1).get("index").asInt()).isEqualTo(2);
        assertThat(reply.get("rejected").get(1).get("reason").asText()).isEqualTo("type_conflict");
        assertThat(reply.get("rejected").get(1).get("error").asText()).contains("counter");
        assertThat(client.value("hj_jobs_total")).isEqualTo(7);
        assertThat(client.value("hj_temp")).isEqualTo(3);
        assertThat(client.value("prom_stream_gateway_processed_metrics_total{worker=\"http\",queue_key=\"\",}"))
                .isGreaterThanOrEqualTo(4);
        assertThat(client.value("prom_stream_gateway_http_rejected_total{endpoint=\"json\",reason=\"invalid_value\",}"))
                .isPositive();
    }

    @Test
    void jsonBodyErrorsGetTheirStatusCodes() {
        assertThat(postJson("{not json").statusCode()).isEqualTo(400);
        assertThat(postJson("{\"x\":\"" + "y".repeat(5000) + "\"}").statusCode())
                .isEqualTo(413);
        assertThat(send("POST", "/api/metrics", "text/plain", "{}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(415);
        assertThat(send(
                                "POST",
                                "/api/metrics",
                                "application/x-www-form-urlencoded",
                                "a=b".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(415);
        assertThat(client.value("prom_stream_gateway_http_pushes_total{endpoint=\"json\",code=\"413\",}"))
                .isPositive();
    }

    @Test
    void gzipBodiesAreAccepted() throws Exception {
        byte[] gz = gzip("{\"type\":\"counter\",\"name\":\"hj_gzip\",\"value\":5}");
        HttpResponse<String> response =
                send("POST", "/api/metrics", "application/json", gz, "Content-Encoding", "gzip");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(client.value("hj_gzip_total")).isEqualTo(5);
        // a gzip bomb stops at the size limit
        byte[] bomb = gzip("[" + "{\"type\":\"counter\",\"name\":\"hj_bomb\",\"value\":1},".repeat(1000) + "{}]");
        assertThat(send("POST", "/api/metrics", "application/json", bomb, "Content-Encoding", "gzip")
                        .statusCode())
                .isEqualTo(413);
        assertThat(client.scrape()).doesNotContain("hj_bomb");
    }

    // ---- Pushgateway-compatible text pushes ----

    @Test
    void thePythonClientsPushesWorkUnchanged() throws Exception {
        JsonNode captured = JSON.readTree(Path.of(ResourceHelpers.resourceFilePath("pushes/python-client-0.16.json"))
                .toFile());
        for (JsonNode request : captured) {
            if (!request.get("method").asText().equals("DELETE")) {
                HttpResponse<String> response = send(
                        request.get("method").asText(),
                        request.get("path").asText(),
                        request.get("content_type").asText(),
                        request.get("body").asText().getBytes(StandardCharsets.UTF_8));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }
        // push_to_gateway with grouping key {instance: host/1, empty: ''} and pushadd_to_gateway without: two groups
        String text = client.scrape();
        assertThat(client.value("jobs_processed_total{instance=\"host/1\",job=\"batch\",queue=\"mail\",}"))
                .isEqualTo(3);
        assertThat(client.value("jobs_processed_total{job=\"batch\",queue=\"mail\",}"))
                .isEqualTo(3);
        assertThat(client.value("last_success_unixtime{job=\"batch\",}")).isEqualTo(1.7000000005e9);
        assertThat(client.value("job_duration_seconds_bucket{instance=\"host/1\",job=\"batch\",le=\"0.5\",}"))
                .isEqualTo(2);
        assertThat(client.value("job_duration_seconds_count{instance=\"host/1\",job=\"batch\",}"))
                .isEqualTo(4);
        assertThat(client.value("payload_bytes_sum{job=\"batch\",}")).isEqualTo(400);
        assertThat(text)
                .doesNotContain("jobs_processed_created")
                .doesNotContain("job_duration_seconds_created")
                .doesNotContain("payload_bytes_created")
                .doesNotContain("payload_bytes{");
        assertThat(text).contains("# HELP jobs_processed_total Jobs processed.");
        assertThat(Promtool.checkMetrics(text)).isEmpty();

        // pushing the same again aggregates: counters and histograms add, gauges replace
        JsonNode put = captured.get(0);
        send(
                "PUT",
                put.get("path").asText(),
                put.get("content_type").asText(),
                put.get("body").asText().getBytes(StandardCharsets.UTF_8));
        assertThat(client.value("jobs_processed_total{instance=\"host/1\",job=\"batch\",queue=\"mail\",}"))
                .isEqualTo(6);
        assertThat(client.value("job_duration_seconds_count{instance=\"host/1\",job=\"batch\",}"))
                .isEqualTo(8);
        assertThat(client.value("last_success_unixtime{instance=\"host/1\",job=\"batch\",}"))
                .isEqualTo(1.7000000005e9);

        JsonNode delete = captured.get(2);
        HttpResponse<String> deleted = send("DELETE", delete.get("path").asText(), null, null);
        assertThat(deleted.statusCode()).isEqualTo(202);
        assertThat(deleted.body()).startsWith("removed 5 series");
        assertThat(client.scrape())
                .doesNotContain("instance=\"host/1\"")
                .contains("jobs_processed_total{job=\"batch\",queue=\"mail\",} 3.0");
    }

    @Test
    void aGoClientTextPushWorks() {
        // what client_golang's expfmt text encoder writes (push.New(url,
        // "go").Format(expfmt.NewFormat(expfmt.TypeTextPlain)))
        String body = """
                # HELP go_requests_total Requests.
                # TYPE go_requests_total counter
                go_requests_total{code="200"} 12
                # HELP go_latency_seconds Latency.
                # TYPE go_latency_seconds histogram
                go_latency_seconds_bucket{le="0.1"} 3
                go_latency_seconds_bucket{le="1"} 5
                go_latency_seconds_bucket{le="+Inf"} 6
                go_latency_seconds_sum 4.2
                go_latency_seconds_count 6
                """;
        HttpResponse<String> response = send(
                "PUT",
                "/metrics/job/go/instance/pod-1",
                "text/plain; version=0.0.4; charset=utf-8",
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(client.value("go_requests_total{code=\"200\",instance=\"pod-1\",job=\"go\",}"))
                .isEqualTo(12);
        assertThat(client.value("go_latency_seconds_bucket{instance=\"pod-1\",job=\"go\",le=\"1.0\",}"))
                .isEqualTo(5);
        // another layout for the same series is refused, whole
        String other = body.replace("le=\"1\"", "le=\"2\"");
        HttpResponse<String> refused =
                send("POST", "/metrics/job/go/instance/pod-1", "text/plain", other.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("bucket layout");
        assertThat(client.value("go_requests_total{code=\"200\",instance=\"pod-1\",job=\"go\",}"))
                .as("nothing applied")
                .isEqualTo(12);
    }

    @Test
    void oneBadLineRefusesTheWholePush() {
        String body = "# TYPE tp_ok counter\ntp_ok_total 1\ntp_bad{x=\"1\" 2\n";
        HttpResponse<String> response =
                send("POST", "/metrics/job/atomic", "text/plain", body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("line 3");
        assertThat(client.scrape()).doesNotContain("tp_ok");

        HttpResponse<String> clash = send(
                "POST",
                "/metrics/job/atomic",
                "text/plain",
                "tp_fine 1\ntp_job{job=\"x\"} 1\n".getBytes(StandardCharsets.UTF_8));
        assertThat(clash.statusCode()).isEqualTo(400);
        assertThat(clash.body()).contains("line 2").contains("push path");
        assertThat(client.scrape()).doesNotContain("tp_fine");
    }

    @Test
    void protobufIsReadAsProtobufAndAnythingElseAsText() {
        HttpResponse<String> proto = send(
                "PUT",
                "/metrics/job/p",
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
                new byte[] {1, 2});
        assertThat(proto.statusCode()).isEqualTo(400);
        assertThat(proto.body()).contains("metric family 1").contains("protobuf");
        // anything else is read as text, as the Pushgateway does: curl --data-binary sends a form content type
        HttpResponse<String> curl = send(
                "POST",
                "/metrics/job/curl",
                "application/x-www-form-urlencoded",
                "curl_pushed 42\n".getBytes(StandardCharsets.UTF_8));
        assertThat(curl.statusCode()).as(curl.body()).isEqualTo(200);
        assertThat(client.value("curl_pushed{job=\"curl\",}")).isEqualTo(42);
        assertThat(send("PUT", "/metrics/job/p", "application/json", "{}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(400);
        // the aggregation gateway's label paths need no job
        assertThat(send("PUT", "/metrics/nojob/p", "text/plain", "x_nojob 1\n".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(200);
        assertThat(client.value("x_nojob{nojob=\"p\",}")).isEqualTo(1);
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void theJsonMetricsServersDocumentedExampleWorksUnchanged() throws Exception {
        HttpResponse<String> response = postJson("""
                {
                  "metrics": [
                    {
                      "name": "request_count",
                      "metric_type": "counter",
                      "help": "Total number of requests",
                      "labels": {
                        "service": "api_gateway",
                        "endpoint": "/users"
                      },
                      "value": {
                        "value": 42.0,
                        "timestamp": null
                      }
                    }
                  ],
                  "source": "my_application"
                }""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(1);
        assertThat(client.value("request_count_total{endpoint=\"/users\",service=\"api_gateway\",}"))
                .isEqualTo(42);
        assertThat(client.scrape()).contains("# HELP request_count_total Total number of requests");
        assertThat(client.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(client.get("/api/status").body()).contains("\"series\"");
    }
}
