package io.promstream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Counter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestAuthFilterTest {
    private final Counter unauthorized =
            Counter.build("t_unauthorized_total", "t").labelNames("endpoint").create();
    private final IngestAuthFilter filter =
            new IngestAuthFilter(List.of("t0ken", "second"), Map.of("lambda", "pa:ss"), unauthorized, false, false);

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsAnyConfiguredBearerToken() {
        assertThat(filter.allowed("Bearer t0ken")).isTrue();
        assertThat(filter.credential("Bearer t0ken")).isEqualTo("token:0");
        assertThat(filter.credential("Bearer second")).isEqualTo("token:1");
        assertThat(filter.allowed("bearer second"))
                .as("the scheme is case-insensitive")
                .isTrue();
        assertThat(filter.allowed("Bearer  t0ken "))
                .as("blanks around the token")
                .isTrue();
    }

    @Test
    void refusesWrongMissingOrMalformedCredentials() {
        assertThat(filter.allowed(null)).isFalse();
        assertThat(filter.allowed("")).isFalse();
        assertThat(filter.allowed("Bearer t0ke")).isFalse();
        assertThat(filter.allowed("Bearer t0kenX")).isFalse();
        assertThat(filter.allowed("Bearer ")).isFalse();
        assertThat(filter.allowed("Token t0ken")).isFalse();
        assertThat(filter.allowed("Basic !!!not-base64")).isFalse();
        assertThat(filter.allowed(
                        "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8))))
                .isFalse();
    }

    @Test
    void basicAuthMatchesUserAndWholePassword() {
        assertThat(filter.allowed(basic("lambda", "pa:ss")))
                .as("a colon in the password")
                .isTrue();
        assertThat(filter.allowed(basic("lambda", "pa"))).isFalse();
        assertThat(filter.credential(basic("lambda", "pa:ss"))).isEqualTo("user:lambda");
        assertThat(filter.allowed(basic("other", "pa:ss"))).isFalse();
        assertThat(filter.allowed(basic("", "pa:ss"))).isFalse();
    }
}
