package io.promstream.it;

import static io.promstream.it.AuthEveryRouteIntegrationTest.TOKEN;
import static io.promstream.it.AuthEveryRouteIntegrationTest.client;
import static io.promstream.it.AuthEveryRouteIntegrationTest.concrete;
import static io.promstream.it.AuthEveryRouteIntegrationTest.refusedWhateverTheCredentials;
import static io.promstream.it.AuthEveryRouteIntegrationTest.routes;
import static io.promstream.it.AuthEveryRouteIntegrationTest.send;
import static io.promstream.it.AuthEveryRouteIntegrationTest.spellings;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code http.protectScrape}, every read of every route the server answers needs credentials, in every
 * spelling of its path, but the probes ({@link AuthEveryRouteIntegrationTest} reads the routes).
 */
class AuthProtectedReadsIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS,
            ConfigOverride.config("http.bearerTokens", TOKEN),
            ConfigOverride.config("http.protectScrape", "true"));

    @Test
    void everyReadButTheProbesNeedsCredentials() {
        GatewayClient client = client(APP);
        Set<String> probes = Set.of("/", "/-/healthy", "/-/ready", "/api/health");
        List<String> wrong = new ArrayList<>();
        for (String route : routes(APP)) {
            String path = concrete(route);
            for (String spelling : spellings(path)) {
                if (refusedWhateverTheCredentials(client, spelling)) {
                    continue;
                }
                for (String method : new String[] {"GET", "HEAD"}) {
                    int code = send(client, method, spelling, null).statusCode();
                    boolean probe = probes.contains(path);
                    if (probe == (code == 401)) {
                        wrong.add(method + " " + spelling + " -> " + code + (probe ? " (a probe)" : ""));
                    }
                }
            }
        }
        assertThat(wrong).as("reads answered against http.protectScrape").isEmpty();
    }
}
