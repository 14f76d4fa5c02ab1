package io.promstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.UndefinedEnvironmentVariableException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The config.yml users run: valid as shipped (environment variables unset), with the SPEC's defaults. */
class ShippedConfigTest {
    private final YamlConfigurationFactory<GatewayConfiguration> factory = new YamlConfigurationFactory<>(
            GatewayConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    private GatewayConfiguration load(String path) throws Exception {
        return factory.build(
                GatewayApplication.substituting(
                        new FileConfigurationSourceProvider(), new DotNetEnvironment(System::getenv)),
                path);
    }

    @Test
    void theShippedConfigIsValidWithTheSpecDefaults() throws Exception {
        GatewayConfiguration config = load("config.yml");
        assertThat(config.getRedis().getQueueKey())
                .isEqualTo(System.getenv().getOrDefault("REDIS_QUEUE_KEY", "prom-stream-gateway:metric-queue"));
        assertThat(config.getRedis().getPopCount()).isEqualTo(500);
        assertThat(config.getRedis().getDeadLetterMaxLength()).isEqualTo(10_000);
        assertThat(config.getAggregation().getMaxSeries()).isEqualTo(1_000_000);
        assertThat(config.getAggregation().getMaxMessageBytes()).isEqualTo(65_536);
        assertThat(config.getMetaMetrics().isEnabled()).isTrue();
        assertThat(config.getRedis().getShards()).isEqualTo(1);
        assertThat(config.getRedis().getClusterNodes()).isEmpty();
        assertThat(config.getRedis().getLeaseTtl().toSeconds()).isEqualTo(10);
        assertThat(config.getCheckpoint().intervalMillis()).isEqualTo(1_000);
        if (System.getenv("GATEWAY_TLS") == null) {
            assertThat(config.getTls().isEnabled()).as("plain http by default").isFalse();
        }
        if (System.getenv("GATEWAY_ADMIN_HOST") == null) {
            assertThat(AdminFactory.adminHost(config.getServerFactory()))
                    .as("admin on loopback by default")
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void invalidValuesFailWithTheKeyInTheMessage() throws Exception {
        Path bad = Files.createTempFile("bad-config", ".yml");
        Files.writeString(
                bad,
                Files.readString(Path.of("config.yml"))
                        .replace("popCount: ${REDIS_POP_COUNT:-500}", "popCount: 0")
                        .replace("${REDIS_URI:-redis://localhost:6379/0}", "http://nope"));
        try {
            assertThatThrownBy(() -> load(bad.toString()))
                    .isInstanceOf(ConfigurationValidationException.class)
                    .hasMessageContaining("redis.popCount")
                    .hasMessageContaining("redis.uri must be a redis:// or rediss:// URI");
        } finally {
            Files.delete(bad);
        }
    }

    @Test
    void tlsSwitchedOnWithoutAKeyStoreFailsNamingTheKey() {
        assertThatThrownBy(() -> loadEdited("${GATEWAY_TLS:-false}", "true", "${GATEWAY_TLS_KEYSTORE:-}", ""))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("tls.keyStorePath must be set when tls.enabled is true");
    }

    private GatewayConfiguration loadEdited(String... replacements) throws Exception {
        String text = Files.readString(Path.of("config.yml"));
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(text).contains(replacements[i]);
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        Path edited = Files.createTempFile("edited-config", ".yml");
        Files.writeString(edited, text);
        try {
            return load(edited.toString());
        } finally {
            Files.delete(edited);
        }
    }

    @Test
    void anUnsetVariableWithoutADefaultStopsTheStartNamingIt() {
        // the example of docs/http-api.md: with INGEST_TOKEN unset, "${INGEST_TOKEN}" must not become the token
        String unset = "PSG_TEST_SURELY_UNSET_" + System.nanoTime();
        assertThat(System.getenv(unset)).isNull();
        assertThatThrownBy(() -> loadEdited("bearerTokens: []", "bearerTokens: [\"${" + unset + "}\"]"))
                .isInstanceOf(UndefinedEnvironmentVariableException.class)
                .hasMessageContaining(unset);
        assertThatThrownBy(() -> loadEdited("basicUsers: {}", "basicUsers: {lambda: \"${" + unset + "}\"}"))
                .isInstanceOf(UndefinedEnvironmentVariableException.class)
                .hasMessageContaining(unset);
    }

    @Test
    void emptyOrPlaceholderCredentialsAreRefused() {
        for (String tokens : new String[] {"[\"\"]", "[\"$${INGEST_TOKEN}\"]", "[\"${PSG_UNSET_X:-}\"]"}) {
            assertThatThrownBy(() -> loadEdited("bearerTokens: []", "bearerTokens: " + tokens))
                    .as(tokens)
                    .isInstanceOf(ConfigurationValidationException.class)
                    .hasMessageContaining("http.bearerTokens and http.basicUsers must not hold empty values");
        }
        assertThatThrownBy(() -> loadEdited("basicUsers: {}", "basicUsers: {lambda: \"\"}"))
                .isInstanceOf(ConfigurationValidationException.class);
    }

    @Test
    void aDeadLetterKeyEqualToTheQueueKeyIsRefused() {
        assertThatThrownBy(() -> loadEdited(
                        "${REDIS_DEAD_LETTER_KEY:-prom-stream-gateway:dead-letter}",
                        "${REDIS_QUEUE_KEY:-prom-stream-gateway:metric-queue}"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("redis.deadLetterKey must differ from redis.queueKey");
    }
}
