package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code %2F} inside a push path's segment is a slash inside that label's value, as the Pushgateway reads it,
 * through the real server (issue 19: Jetty refused it with an empty 400).
 */
class EncodedPathIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private HttpResponse<String> send(String method, String path, String body) {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Content-Type", "text/plain")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void anEncodedSlashStaysInsideItsLabelValue() {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        HttpResponse<String> aggregated = send("PUT", "/metrics/job/a%2Fb/zone/eu%2Fwest", "enc_agg 1\n");
        assertThat(aggregated.statusCode()).as(aggregated.body()).isEqualTo(200);
        HttpResponse<String> replaced = send("PUT", "/replace/metrics/job/c%2Fd/instance/host%2F1", "enc_rep 2\n");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);

        String exposition = client.scrape();
        assertThat(exposition)
                .contains("enc_agg{job=\"a/b\",zone=\"eu/west\",} 1.0")
                .contains("enc_rep{instance=\"host/1\",job=\"c/d\",} 2.0");

        assertThat(send("DELETE", "/replace/metrics/job/c%2Fd/instance/host%2F1", null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(client.scrape()).doesNotContain("enc_rep{");
    }
}
