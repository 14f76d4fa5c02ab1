package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.Exposition;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GoPusher;
import io.promstream.testing.PushgatewayServer;
import io.promstream.testing.PythonClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real client libraries, unchanged, against a gateway in the default (aggregate) mode: a client_golang pusher
 * (protobuf by default, and text) and prometheus_client's push_to_gateway, pushadd_to_gateway and
 * delete_from_gateway. Given a gateway URL ending in {@code /replace}, they get the Pushgateway's semantics,
 * checked series by series against the real Pushgateway after the same pushes; given the bare URL, they aggregate.
 */
class ClientLibrariesIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private static PushgatewayServer pushgateway;
    private GatewayClient ours;

    @BeforeAll
    static void startPushgateway() {
        pushgateway = new PushgatewayServer().start();
    }

    @AfterAll
    static void stopPushgateway() {
        if (pushgateway != null) {
            pushgateway.close();
        }
    }

    @BeforeEach
    void clean() {
        ours = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        pushgateway.wipe();
        ours.adminPost("/tasks/reset-series");
    }

    private String base() {
        return "http://127.0.0.1:" + APP.getLocalPort();
    }

    private static Map<String, Double> series(String exposition, String prefix) {
        return Exposition.parse(exposition, name -> name.startsWith(prefix));
    }

    private void assertSameAsThePushgateway(String prefix) {
        Map<String, Double> theirs = series(pushgateway.scrape(), prefix);
        Map<String, Double> mine = series(ours.scrape(), prefix);
        assertThat(theirs).isNotEmpty();
        assertThat(mine.keySet()).isEqualTo(theirs.keySet());
        theirs.forEach((key, value) -> assertThat(mine.get(key)).as(key).isCloseTo(value, within(1e-9)));
    }

    @Test
    void goPusherRoundsReplaceTheirGroupUnderReplace() {
        for (int round = 1; round <= 3; round++) {
            GoPusher.push(pushgateway.url(), "go", "protobuf", "push", round, "instance=a")
                    .assertOk();
            GoPusher.push(base() + "/replace", "go", "protobuf", "push", round, "instance=a")
                    .assertOk();
        }
        assertSameAsThePushgateway("pusher_");
        assertThat(ours.value("pusher_requests_total{code=\"200\",instance=\"a\",job=\"go\",}"))
                .as("the value of the last push, not a sum")
                .isEqualTo(30);
        // the text format, added with POST, in another group
        GoPusher.push(pushgateway.url(), "go", "text", "add", 2, "instance=b").assertOk();
        GoPusher.push(base() + "/replace", "go", "text", "add", 2, "instance=b").assertOk();
        assertSameAsThePushgateway("pusher_");
        GoPusher.push(pushgateway.url(), "go", "protobuf", "delete", 0, "instance=a")
                .assertOk();
        GoPusher.push(base() + "/replace", "go", "protobuf", "delete", 0, "instance=a")
                .assertOk();
        Await.until(Duration.ofSeconds(10), () -> !pushgateway.scrape().contains("instance=\"a\""), "deleted");
        assertSameAsThePushgateway("pusher_");
        assertThat(ours.scrape()).doesNotContain("instance=\"a\"");
    }

    @Test
    void pythonPushAddAndDeleteUnderReplace() {
        for (String url : new String[] {pushgateway.url(), base() + "/replace"}) {
            PythonClient.push(url, "py", "push", 1, "instance=p").assertOk();
            PythonClient.push(url, "py", "push", 2, "instance=p").assertOk();
            PythonClient.push(url, "py", "pushadd", 3, "instance=q").assertOk();
        }
        assertSameAsThePushgateway("pyclient_");
        assertThat(ours.value("pyclient_jobs_total{instance=\"p\",job=\"py\",queue=\"mail\",}"))
                .isEqualTo(10);
        for (String url : new String[] {pushgateway.url(), base() + "/replace"}) {
            PythonClient.push(url, "py", "delete", 0, "instance=p").assertOk();
        }
        Await.until(Duration.ofSeconds(10), () -> !pushgateway.scrape().contains("instance=\"p\""), "deleted");
        assertSameAsThePushgateway("pyclient_");
    }

    @Test
    void theBareUrlAggregatesWhatIsPushed() {
        for (int round = 1; round <= 3; round++) {
            GoPusher.push(base(), "agg", "protobuf", "push", round, "instance=a")
                    .assertOk();
        }
        // cumulative values 10, 20, 30 are summed: aggregate mode is for senders that push increments
        assertThat(ours.value("pusher_requests_total{code=\"200\",instance=\"a\",job=\"agg\",}"))
                .isEqualTo(60);
        assertThat(ours.value("pusher_temperature_celsius{instance=\"a\",job=\"agg\",}"))
                .as("gauges replace")
                .isEqualTo(23);
        assertThat(ours.value("pusher_request_duration_seconds_count{instance=\"a\",job=\"agg\",}"))
                .isEqualTo(24);
        assertThat(ours.scrape())
                .as("pushed quantiles cannot be aggregated")
                .doesNotContain("pusher_response_size_bytes{instance=\"a\",job=\"agg\",quantile");
        PythonClient.push(base(), "agg", "push", 1, "instance=p").assertOk();
        PythonClient.push(base() + "/aggregate", "agg", "push", 1, "instance=p").assertOk();
        assertThat(ours.value("pyclient_jobs_total{instance=\"p\",job=\"agg\",queue=\"mail\",}"))
                .isEqualTo(10);
    }
}
