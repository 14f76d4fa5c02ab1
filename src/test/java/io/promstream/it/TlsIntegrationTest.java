package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestGateways;
import io.promstream.testing.TestKeyStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code tls} section: the application port serves https with a key store made by keytool in the test; pushes
 * and scrapes go over it; with {@code clientAuth: need} the handshake refuses a client without a certificate from
 * the trusted CA, with {@code want} a push needs one (scrapes do not); a setting that cannot work stops the start
 * naming its key.
 */
class TlsIntegrationTest {
    private static TestKeyStores stores;
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        stores = TestKeyStores.make();
        redis = new RedisServer().start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void pushesAndScrapesGoOverTls() {
        withGateway(List.of(), port -> {
            HttpClient client = client(stores.noClientCertificate());
            assertThat(send(client, port, json("{\"type\":\"counter\",\"name\":\"tls_jobs\",\"value\":3}"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send(client, port, textPush("tls_text_gauge 7\n")).statusCode())
                    .isEqualTo(200);
            awaitScraped(client, port, "tls_jobs_total", 3);
            awaitScraped(client, port, "tls_text_gauge{job=\"tls\",}", 7);
        });
    }

    @Test
    void plainHttpIsNotServedOnTheTlsPort() {
        withGateway(List.of(), port -> {
            HttpClient plain = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            int status;
            try {
                status = plain.send(request, HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (IOException e) {
                status = -1; // refused outright
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertThat(status).as("a plain http scrape of the https port").isNotEqualTo(200);
        });
    }

    @Test
    void requiredClientCertificatesAreCheckedAtTheHandshake() {
        List<ConfigOverride> needCertificates = List.of(
                ConfigOverride.config("tls.clientAuth", "need"),
                ConfigOverride.config(
                        "tls.trustStorePath", stores.clientCaTrustStore().toString()),
                ConfigOverride.config("tls.trustStorePassword", TestKeyStores.PASSWORD));
        withGateway(needCertificates, port -> {
            HttpRequest push = json("{\"type\":\"gauge\",\"name\":\"tls_cert_gauge\",\"value\":5}");
            assertThatThrownBy(() -> client(stores.noClientCertificate())
                            .send(withPort(push, port), HttpResponse.BodyHandlers.ofString()))
                    .as("a client without a certificate")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> client(stores.rogueCertificate())
                            .send(withPort(push, port), HttpResponse.BodyHandlers.ofString()))
                    .as("a client with a certificate no trusted CA signed")
                    .isInstanceOf(IOException.class);
            HttpClient trusted = client(stores.clientCertificate());
            assertThat(send(trusted, port, push).statusCode()).isEqualTo(200);
            awaitScraped(trusted, port, "tls_cert_gauge", 5);
        });
    }

    @Test
    void wantedClientCertificatesAreTheCredentialsOfPushesWhileScrapesGoWithout() {
        List<ConfigOverride> wantCertificates = List.of(
                ConfigOverride.config("tls.clientAuth", "want"),
                ConfigOverride.config(
                        "tls.trustStorePath", stores.clientCaTrustStore().toString()),
                ConfigOverride.config("tls.trustStorePassword", TestKeyStores.PASSWORD));
        withGateway(wantCertificates, port -> {
            HttpRequest push = json("{\"type\":\"gauge\",\"name\":\"tls_want_gauge\",\"value\":9}");
            HttpClient anonymous = client(stores.noClientCertificate());
            HttpResponse<String> refused = send(anonymous, port, push);
            assertThat(refused.statusCode()).as("a push without a certificate").isEqualTo(401);
            HttpClient trusted = client(stores.clientCertificate());
            assertThat(send(trusted, port, push).statusCode()).isEqualTo(200);
            awaitScraped(anonymous, port, "tls_want_gauge", 9);
            assertThatThrownBy(() -> client(stores.rogueCertificate())
                            .send(withPort(push, port), HttpResponse.BodyHandlers.ofString()))
                    .as("a client with a certificate no trusted CA signed")
                    .isInstanceOf(IOException.class);
        });
    }

    @Test
    void tlsWithoutAKeyStoreStopsTheStartNamingTheKey() {
        assertStartRefused(
                List.of(ConfigOverride.config("tls.enabled", "true")),
                "tls.keyStorePath must be set when tls.enabled is true");
    }

    @Test
    void aMissingKeyStoreStopsTheStart() {
        assertStartRefused(
                List.of(
                        ConfigOverride.config("tls.enabled", "true"),
                        ConfigOverride.config("tls.keyStorePath", "/nonexistent/gateway.p12")),
                "tls.keyStorePath names no readable file");
    }

    @Test
    void aWrongKeyStorePasswordStopsTheStart() {
        assertStartRefused(
                List.of(
                        ConfigOverride.config("tls.enabled", "true"),
                        ConfigOverride.config(
                                "tls.keyStorePath", stores.serverKeyStore().toString()),
                        ConfigOverride.config("tls.keyStorePassword", "not-the-password")),
                "tls.keyStorePath cannot be opened as tls.keyStoreType with tls.keyStorePassword");
    }

    @Test
    void clientCertificatesWithoutATrustStoreStopTheStart() {
        assertStartRefused(
                List.of(
                        ConfigOverride.config("tls.enabled", "true"),
                        ConfigOverride.config(
                                "tls.keyStorePath", stores.serverKeyStore().toString()),
                        ConfigOverride.config("tls.keyStorePassword", TestKeyStores.PASSWORD),
                        ConfigOverride.config("tls.clientAuth", "need")),
                "tls.trustStorePath must be set when tls.clientAuth is want or need");
    }

    @Test
    void aKeyStoreWithTlsSwitchedOffStopsTheStart() {
        assertStartRefused(
                List.of(ConfigOverride.config(
                        "tls.keyStorePath", stores.serverKeyStore().toString())),
                "tls.keyStorePath or tls.clientAuth is set but tls.enabled is false");
    }

    private static void assertStartRefused(List<ConfigOverride> overrides, String message) {
        DropwizardTestSupport<GatewayConfiguration> app =
                TestGateways.support(redis, overrides.toArray(ConfigOverride[]::new));
        try {
            assertThatThrownBy(app::before).hasMessageContaining(message);
        } finally {
            app.after();
        }
    }

    /** Runs {@code test} with the https port of a gateway started with TLS on (the server key store) and more. */
    private static void withGateway(List<ConfigOverride> more, Consumer<Integer> test) {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("tls.enabled", "true"),
                ConfigOverride.config(
                        "tls.keyStorePath", stores.serverKeyStore().toString()),
                ConfigOverride.config("tls.keyStorePassword", TestKeyStores.PASSWORD)));
        overrides.addAll(more);
        DropwizardTestSupport<GatewayConfiguration> app =
                TestGateways.support(redis, overrides.toArray(ConfigOverride[]::new));
        try {
            app.before();
            test.accept(app.getLocalPort());
        } catch (Exception e) {
            throw new AssertionError("the gateway did not start", e);
        } finally {
            app.after();
        }
    }

    private static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpRequest json(String body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:0/api/metrics"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private static HttpRequest textPush(String body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:0/metrics/job/tls"))
                .header("Content-Type", "text/plain; version=0.0.4")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    /** {@code request} sent to the gateway's port (the requests are written with port 0). */
    private static HttpRequest withPort(HttpRequest request, int port) {
        URI uri = request.uri();
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .uri(URI.create("https://127.0.0.1:" + port + uri.getRawPath()))
                .build();
    }

    private static HttpResponse<String> send(HttpClient client, int port, HttpRequest request) {
        try {
            return client.send(withPort(request, port), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitScraped(HttpClient client, int port, String series, double expected) {
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("https://127.0.0.1:0/metrics"))
                .build();
        Await.until(
                Duration.ofSeconds(20),
                () -> GatewayClient.samples(send(client, port, scrape).body()).getOrDefault(series, Double.NaN)
                        == expected,
                () -> series + " expected " + expected + " in "
                        + send(client, port, scrape).body());
    }
}
