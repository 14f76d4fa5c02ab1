package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** One of {@code aggregation.ttlRules}: a family-name regular expression and how long its series live. */
public class TtlRuleFactory {
    @NotEmpty
    private String families;

    @NotNull
    private Duration ttl;

    @JsonProperty
    public String getFamilies() {
        return families;
    }

    @JsonProperty
    public void setFamilies(String families) {
        this.families = families;
    }

    @JsonProperty
    public Duration getTtl() {
        return ttl;
    }

    @JsonProperty
    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }
}
