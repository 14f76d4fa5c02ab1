package io.promstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotNetEnvironmentTest {
    private static DotNetEnvironment of(Map<String, String> variables) {
        return new DotNetEnvironment(variables::get);
    }

    @ParameterizedTest(name = "{0} + db {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "localhost:6379 | - | redis://localhost:6379/0",
                "redis.internal | - | redis://redis.internal:6379/0",
                "redis:6380,password=s3cret | - | redis://:s3cret@redis:6380/0",
                "redis:6380,user=gw,password=p@ss w,ssl=true | - | rediss://gw:p%40ss%20w@redis:6380/0",
                "redis:6379,defaultDatabase=4,abortConnect=false,connectTimeout=5000 | - | redis://redis:6379/4",
                "redis:6379,defaultDatabase=4 | 2 | redis://redis:6379/2",
                "a:1,b:2,ssl=False | - | redis://a:1/0",
                "[::1]:6390 | - | redis://[::1]:6390/0",
            })
    void connectionStringsBecomeRedisUris(String connection, String database, String uri) {
        assertThat(DotNetEnvironment.toUri(connection, database)).isEqualTo(uri);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ssl=true | no host:port endpoint",
                "redis:port | is not a port",
                "redis:70000 | is not a port",
                "redis:6379,ssl=maybe | neither true nor false",
                "redis:6379,defaultDatabase=x | must be a database number",
                "redis:6379,=x | has no name",
                "' ' | no host:port endpoint",
            })
    void malformedConnectionStringsNameTheVariable(String connection, String why) {
        assertThatThrownBy(() -> DotNetEnvironment.toUri(connection, null))
                .hasMessageContaining("Redis__ConnectionString is malformed")
                .hasMessageContaining(why);
    }

    @Test
    void aPasswordNeverReachesTheErrorMessage() {
        assertThatThrownBy(() -> DotNetEnvironment.toUri("password=hunter2,ssl=true", null))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void ourVariablesWinAndTheirsStandInWhenOursAreUnset() {
        DotNetEnvironment both = of(Map.of(
                "REDIS_URI",
                "redis://ours:1/0",
                "Redis__ConnectionString",
                "theirs:2",
                "REDIS_WORKERS",
                "5",
                "Redis__MetricQueueWorkers",
                "9"));
        assertThat(both.lookup("REDIS_URI")).isEqualTo("redis://ours:1/0");
        assertThat(both.lookup("REDIS_WORKERS")).isEqualTo("5");
        assertThat(both.used()).isEmpty();

        DotNetEnvironment theirs = of(Map.of(
                "Redis__ConnectionString",
                "theirs:2",
                "Redis__MetricQueueWorkers",
                "9",
                "Redis__MetricQueueKey",
                "q",
                "Redis__MetricQueuePopCount",
                "25",
                "Redis__MetricQueueDatabase",
                "3",
                "Metrics__DisableMetaMetrics",
                "true"));
        assertThat(theirs.lookup("REDIS_URI")).isEqualTo("redis://theirs:2/3");
        assertThat(theirs.lookup("REDIS_WORKERS")).isEqualTo("9");
        assertThat(theirs.lookup("REDIS_QUEUE_KEY")).isEqualTo("q");
        assertThat(theirs.lookup("REDIS_POP_COUNT")).isEqualTo("25");
        assertThat(theirs.lookup("META_METRICS_ENABLED")).isEqualTo("false");
        assertThat(theirs.lookup("SERIES_TTL")).isNull();
        assertThat(theirs.used())
                .containsExactly(
                        "Metrics__DisableMetaMetrics",
                        "Redis__ConnectionString",
                        "Redis__MetricQueueDatabase",
                        "Redis__MetricQueueKey",
                        "Redis__MetricQueuePopCount",
                        "Redis__MetricQueueWorkers");
        assertThat(of(Map.of("Redis__MetricQueueDatabase", "5")).lookup("REDIS_URI"))
                .as("the .NET default connection string")
                .isEqualTo("redis://localhost:6379/5");
        assertThatThrownBy(
                        () -> of(Map.of("Metrics__DisableMetaMetrics", "yes")).lookup("META_METRICS_ENABLED"))
                .hasMessageContaining("Metrics__DisableMetaMetrics");
    }
}
