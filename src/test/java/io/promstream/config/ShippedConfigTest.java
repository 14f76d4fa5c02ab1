package io.promstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.promstream.GatewayConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The config.yml users run: valid as shipped (environment variables unset), with the SPEC's defaults. */
class ShippedConfigTest {
    private final YamlConfigurationFactory<GatewayConfiguration> factory = new YamlConfigurationFactory<>(
            GatewayConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    private GatewayConfiguration load(String path) throws Exception {
        return factory.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), path);
    }

    @Test
    void theShippedConfigIsValidWithTheSpecDefaults() throws Exception {
        GatewayConfiguration config = load("config.yml");
        assertThat(config.getRedis().getQueueKey()).isEqualTo(System.getenv().getOrDefault(
                "REDIS_QUEUE_KEY", "prom-stream-gateway:metric-queue"));
        assertThat(config.getRedis().getPopCount()).isEqualTo(500);
        assertThat(config.getRedis().getDeadLetterMaxLength()).isEqualTo(10_000);
        assertThat(config.getAggregation().getMaxSeries()).isEqualTo(1_000_000);
        assertThat(config.getAggregation().getMaxMessageBytes()).isEqualTo(65_536);
        assertThat(config.getMetaMetrics().isEnabled()).isTrue();
    }

    @Test
    void invalidValuesFailWithTheKeyInTheMessage() throws Exception {
        Path bad = Files.createTempFile("bad-config", ".yml");
        Files.writeString(bad, Files.readString(Path.of("config.yml"))
                .replace("popCount: 500", "popCount: 0")
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
}
