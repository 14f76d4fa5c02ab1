package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's actions over plain HTTP: allowed only with the admin token, the console's header and the gateway's
 * own origin; refused with a clear reason otherwise, and when no admin token is configured; with ingestion
 * credentials configured, the admin token stands for them on an action and nowhere else. The page itself comes with
 * a content security policy.
 */
class ConsoleActionsIntegrationTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ADMIN = "admin-t0ken";
    private static final String INGEST = "ingest-t0ken";
    private static final String RESET = "{\"names\":[\"console_gone\"]}";

    private static <T> T with(Map<String, String> overrides, GatewayCall<T> call) throws Exception {
        DropwizardTestSupport<GatewayConfiguration> app = TestGateways.support(
                REDIS.server(),
                overrides.entrySet().stream()
                        .map(e -> ConfigOverride.config(e.getKey(), e.getValue()))
                        .toArray(ConfigOverride[]::new));
        app.before();
        try {
            return call.run(new GatewayClient(app.getLocalPort(), app.getAdminPort()));
        } finally {
            app.after();
        }
    }

    private interface GatewayCall<T> {
        T run(GatewayClient client) throws Exception;
    }

    /** A POST to an action with these headers (name, value, ...). */
    private static HttpResponse<String> action(GatewayClient client, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + client.appPort() + "/ui/api/actions/" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build());
    }

    private static Map<String, String> config(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @Test
    void anActionNeedsTheTokenTheHeaderAndTheGatewaysOwnOrigin() throws Exception {
        with(config("admin.token", ADMIN), client -> {
            String own = "http://127.0.0.1:" + client.appPort();
            HttpResponse<String> allowed = action(
                    client, "reset", RESET, "Authorization", "Bearer " + ADMIN, "X-Console-Action", "1", "Origin", own);
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.body()).contains("removed 0 series");

            HttpResponse<String> noToken = action(client, "reset", RESET, "X-Console-Action", "1");
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.body()).contains("need Authorization: Bearer <admin.token>");
            assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"console actions\"");
            assertThat(action(client, "reset", RESET, "X-Console-Action", "1", "Authorization", "Bearer wrong")
                            .statusCode())
                    .isEqualTo(401);
            HttpResponse<String> inUrl =
                    action(client, "reset?token=" + ADMIN + "&access_token=" + ADMIN, RESET, "X-Console-Action", "1");
            assertThat(inUrl.statusCode())
                    .as("a token in the URL counts for nothing")
                    .isEqualTo(401);

            HttpResponse<String> noHeader = action(client, "reset", RESET, "Authorization", "Bearer " + ADMIN);
            assertThat(noHeader.statusCode()).isEqualTo(403);
            assertThat(noHeader.body()).contains("X-Console-Action");
            HttpResponse<String> crossSite = action(
                    client,
                    "flush",
                    "{}",
                    "Authorization",
                    "Bearer " + ADMIN,
                    "X-Console-Action",
                    "1",
                    "Origin",
                    "http://evil.example");
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertThat(crossSite.body()).contains("own pages");
            assertThat(action(
                                    client,
                                    "flush",
                                    "{}",
                                    "Authorization",
                                    "Bearer " + ADMIN,
                                    "X-Console-Action",
                                    "1",
                                    "Origin",
                                    "null")
                            .statusCode())
                    .isEqualTo(403);
            assertThat(action(client, "flush", "{}", "Authorization", "Bearer " + ADMIN, "X-Console-Action", "1")
                            .body())
                    .contains("flushed");

            HttpResponse<String> everything =
                    action(client, "reset", "{}", "Authorization", "Bearer " + ADMIN, "X-Console-Action", "1");
            assertThat(everything.statusCode()).isEqualTo(400);
            assertThat(everything.body()).contains("does not reset every series");
            assertThat(client.get("/ui/api/actions/reset").statusCode()).isEqualTo(405);
            return null;
        });
    }

    @Test
    void withoutAnAdminTokenActionsAreOffAndSaySo() throws Exception {
        with(config(), client -> {
            HttpResponse<String> off =
                    action(client, "flush", "{}", "Authorization", "Bearer anything", "X-Console-Action", "1");
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(off.body()).contains("console actions are off", "admin.token");
            assertThat(client.get("/ui/api/overview").body()).contains("\"actions\":false");
            return null;
        });
    }

    @Test
    void withIngestionCredentialsTheAdminTokenStandsForThemOnActionsOnly() throws Exception {
        with(config("admin.token", ADMIN, "http.bearerTokens", INGEST), client -> {
            HttpResponse<String> allowed =
                    action(client, "reset", RESET, "Authorization", "Bearer " + ADMIN, "X-Console-Action", "1");
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);

            HttpResponse<String> ingestOnly =
                    action(client, "reset", RESET, "Authorization", "Bearer " + INGEST, "X-Console-Action", "1");
            assertThat(ingestOnly.statusCode())
                    .as("ingestion credentials are no admin token")
                    .isEqualTo(401);
            assertThat(ingestOnly.body()).contains("admin.token");
            assertThat(action(client, "reset", RESET, "X-Console-Action", "1").statusCode())
                    .isEqualTo(401);
            assertThat(action(client, "reset", RESET, "Authorization", "Bearer " + ADMIN)
                            .statusCode())
                    .as("without the console's header the admin token is not even an ingestion credential")
                    .isEqualTo(401);

            HttpResponse<String> push = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + client.appPort() + "/api/metrics"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + ADMIN)
                    .header("X-Console-Action", "1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"counter\",\"name\":\"x\",\"value\":1}"))
                    .build());
            assertThat(push.statusCode()).as("the admin token pushes nothing").isEqualTo(401);
            return null;
        });
    }

    @Test
    void thePageLoadsNothingButItsOwnFiles() throws Exception {
        with(config(), client -> {
            HttpResponse<String> page = client.get("/ui/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(csp -> assertThat(csp)
                            .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"));
            assertThat(page.body()).doesNotContain("http://", "https://", "<script>");
            assertThat(client.get("/ui").statusCode()).isEqualTo(301);
            assertThat(client.get("/ui/console.js").body())
                    .doesNotContain("innerHTML", "eval(", "https://")
                    .doesNotContainPattern("fetch\\(['\"]https?:");
            assertThat(client.get("/ui/nothing.js").statusCode()).isEqualTo(404);
            return null;
        });
    }
}
