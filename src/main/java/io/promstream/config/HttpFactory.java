package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.promstream.expose.GatewayMetrics;
import io.promstream.ingest.HttpIngestor;
import io.promstream.ingest.IngestAuthFilter;
import io.promstream.ingest.JsonPushResource;
import io.promstream.ingest.TextPushResource;
import io.promstream.store.MetricStore;
import jakarta.servlet.DispatcherType;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code http} section: HTTP ingestion limits and optional authentication. Registers the endpoints. */
public class HttpFactory {
    @Min(1024)
    @Max(256 * 1024 * 1024)
    private int maxBodyBytes = 1024 * 1024;
    @NotNull
    private List<String> bearerTokens = new ArrayList<>();
    @NotNull
    private Map<String, String> basicUsers = new LinkedHashMap<>();
    private boolean protectScrape;

    /** {@code POST /api/metrics} and the Pushgateway-style paths, behind credentials when any are configured. */
    public void registerEndpoints(Environment environment, HttpIngestor ingestor, MetricStore store,
            GatewayMetrics metrics) {
        environment.jersey().register(new JsonPushResource(ingestor, metrics, maxBodyBytes));
        environment.jersey().register(new TextPushResource(ingestor, store, metrics, maxBodyBytes));
        if (bearerTokens.isEmpty() && basicUsers.isEmpty()) {
            return;
        }
        List<String> paths = new ArrayList<>(List.of("/api/metrics", "/metrics/job/*", "/metrics/job@base64/*"));
        if (protectScrape) {
            paths.add("/metrics");
        }
        environment.servlets()
                .addFilter("ingest-auth", new IngestAuthFilter(bearerTokens, basicUsers, metrics.httpUnauthorized()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, paths.toArray(String[]::new));
    }

    @JsonProperty
    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @JsonProperty
    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @JsonProperty
    public List<String> getBearerTokens() {
        return bearerTokens;
    }

    @JsonProperty
    public void setBearerTokens(List<String> bearerTokens) {
        this.bearerTokens = bearerTokens;
    }

    @JsonProperty
    public Map<String, String> getBasicUsers() {
        return basicUsers;
    }

    @JsonProperty
    public void setBasicUsers(Map<String, String> basicUsers) {
        this.basicUsers = basicUsers;
    }

    @JsonProperty
    public boolean isProtectScrape() {
        return protectScrape;
    }

    @JsonProperty
    public void setProtectScrape(boolean protectScrape) {
        this.protectScrape = protectScrape;
    }
}
