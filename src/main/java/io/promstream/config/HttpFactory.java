package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.promstream.expose.ExpositionServlet;
import io.promstream.expose.RootResource;
import io.promstream.expose.StatusResource;
import io.promstream.expose.StoreCollector;
import io.promstream.health.HealthResource;
import io.promstream.ingest.http.BodyReader;
import io.promstream.ingest.http.IngestAuthFilter;
import io.promstream.ingest.http.JsonPushResource;
import io.promstream.ingest.http.OtlpResource;
import io.promstream.ingest.http.PushCountingFilter;
import io.promstream.ingest.http.PushPaths;
import io.promstream.ingest.http.PushServlet;
import io.promstream.ingest.http.PushgatewayApi;
import io.promstream.ingest.http.RedisUnavailableMapper;
import io.promstream.ingest.http.SlowBodyFilter;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.parse.PushMode;
import io.promstream.parse.otlp.OtlpSettings;
import io.promstream.queue.LogLimiter;
import jakarta.servlet.DispatcherType;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;

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
    private boolean clientCertificates;
    /** Lets a verified TLS client certificate count as push credentials, and requires them ({@code tls.clientAuth}). */
    public void acceptClientCertificates(boolean accept) {
        this.clientCertificates = accept;
    }
    /** Pushes of one client address whose bodies are still arriving (0: no bound); see {@code SlowBodyFilter}. */
    @Min(0)
    @JsonProperty
    private int maxSlowBodiesPerClient = 64;
    /** The longest a push's body may take to arrive once its reading starts (408 after). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration bodyTimeout = Duration.seconds(10);

    @NotNull
    private String pushMode = "aggregate";

    @ValidationMethod(message = "http.pushMode must be aggregate or replace")
    public boolean isPushModeKnown() {
        return pushMode == null || PushMode.fromConfig(pushMode) != null;
    }

    @ValidationMethod(
            message = "http.bearerTokens and http.basicUsers must not hold empty values or unreplaced "
                    + "${...} placeholders (is the environment variable set?)")
    public boolean isCredentialsUsable() {
        for (String token : bearerTokens) {
            if (!usable(token)) {
                return false;
            }
        }
        for (Map.Entry<String, String> user : basicUsers.entrySet()) {
            if (!usable(user.getKey())
                    || !usable(user.getValue())
                    || user.getKey().contains(":")) {
                return false;
            }
        }
        return true;
    }

    private static boolean usable(String credential) {
        return credential != null && !credential.isBlank() && !credential.contains("${");
    }

    /**
     * Leaves compressed request bodies to the endpoints, which check them whole ({@code BodyReader}): Jetty's
     * own request inflation accepts a gzip body cut short at a flush point, or with a wrong CRC, as valid.
     * Responses (scrapes) are still compressed when the client asks.
     */
    public void configureServer(ServerFactory server, Environment environment) {
        for (ConnectorFactory connector : applicationConnectors(server)) {
            if (connector instanceof HttpConnectorFactory http
                    && UriCompliance.DEFAULT.equals(http.getUriCompliance())) {
                // a %2F inside a path segment is a label value's slash (job/a%2Fb is job="a/b"), as the
                // Pushgateway reads it; the push servlet splits the undecoded path itself
                http.setUriCompliance(UriCompliance.DEFAULT.with(
                        "encoded slashes in label values", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
            }
        }
        environment.getApplicationContext().getServletHandler().setDecodeAmbiguousURIs(true);
        if (server instanceof AbstractServerFactory factory) {
            factory.getGzipFilterFactory().setBufferSize(DataSize.bytes(0)); // 0 = Jetty does not inflate requests
            if (factory.getGzipFilterFactory().getDeflateCompressionLevel() == -1) {
                // scrapes are compressed for the network next door: the fastest level is 3-4 times quicker than
                // the default and its output ~15% larger (server.gzip.deflateCompressionLevel overrides this)
                factory.getGzipFilterFactory().setDeflateCompressionLevel(1);
            }
        }
    }

    private static List<ConnectorFactory> applicationConnectors(ServerFactory server) {
        if (server instanceof DefaultServerFactory factory) {
            return factory.getApplicationConnectors();
        }
        if (server instanceof SimpleServerFactory factory) {
            return List.of(factory.getConnector());
        }
        return List.of();
    }

    /**
     * The deflate level of gzip scrapes ({@code server.gzip.deflateCompressionLevel}, after
     * {@link #configureServer}), or -1 when {@code server.gzip.enabled} is false: scrapes are then never compressed.
     */
    public int scrapeCompressionLevel(ServerFactory server) {
        if (server instanceof AbstractServerFactory factory) {
            return factory.getGzipFilterFactory().isEnabled()
                    ? factory.getGzipFilterFactory().getDeflateCompressionLevel()
                    : -1;
        }
        return 1;
    }

    /**
     * The exposition of {@code GET /metrics}: the gateway's own metrics, then the store's, compressed at
     * {@link #scrapeCompressionLevel} with a thread per further core helping a large gzip scrape (stopped with
     * the application).
     */
    public ExpositionServlet buildExposition(
            Environment environment, ServerFactory server, CollectorRegistry meta, StoreCollector store) {
        int helpers = Runtime.getRuntime().availableProcessors() - 1;
        ExecutorService compressors = helpers < 1
                ? null
                : environment
                        .lifecycle()
                        .executorService("scrape-compress-%d")
                        .minThreads(helpers)
                        .maxThreads(helpers)
                        .build();
        return new ExpositionServlet(meta, store, scrapeCompressionLevel(server), compressors, helpers);
    }

    /** What answers on the application port, built by the gateway: pushes, the Pushgateway API, reads. */
    public record Handlers(
            HttpIngestor ingestor,
            PushgatewayApi pushgatewayApi,
            ExpositionServlet exposition,
            StatusResource status,
            HealthResource health,
            OtlpSettings otlp,
            InstantSource clock) {}

    /**
     * Every route of the application port, here and nowhere else (docs/endpoints.md): {@code GET /metrics}, the
     * pushes ({@code POST /api/metrics}, the Pushgateway-style paths), the Pushgateway's API, {@code /},
     * {@code /api/status}, {@code /api/health}; then the filters in front of every path: every push answer
     * counted, credentials when any are configured, slow bodies bounded.
     */
    public void registerEndpoints(Environment environment, Handlers handlers, PushMeters meters) {
        environment
                .servlets()
                .addServlet("prometheus-metrics", handlers.exposition())
                .addMapping("/metrics");
        BodyReader bodies = new BodyReader(maxBodyBytes, bodyTimeout.toMilliseconds());
        environment.jersey().register(new JsonPushResource(handlers.ingestor(), meters.rejected(), bodies));
        environment
                .jersey()
                .register(new OtlpResource(
                        handlers.ingestor(), meters.rejected(), bodies, handlers.otlp(), handlers.clock()));
        environment
                .servlets()
                .addServlet(
                        "pushes",
                        new PushServlet(
                                new PushPaths(handlers.ingestor(), meters.rejected(), bodies),
                                PushMode.fromConfig(pushMode)))
                .addMapping(PushServlet.MAPPINGS.toArray(String[]::new));
        environment.jersey().register(handlers.pushgatewayApi());
        environment.jersey().register(new PushgatewayApi.Probes());
        environment.jersey().register(new RootResource());
        environment.jersey().register(handlers.status());
        environment.jersey().register(handlers.health());
        environment.jersey().register(new RedisUnavailableMapper());
        Counter answered = meters.answered();
        Counter unauthorized = meters.unauthorized();
        LogLimiter logLimiter = meters.refusals();
        environment
                .servlets()
                .addFilter("push-counting", new PushCountingFilter(answered))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, IngestAuthFilter.EVERY_PATH);
        if (!bearerTokens.isEmpty() || !basicUsers.isEmpty() || clientCertificates) {
            environment
                    .servlets()
                    .addFilter(
                            "ingest-auth",
                            new IngestAuthFilter(
                                    bearerTokens, basicUsers, unauthorized, protectScrape, clientCertificates))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, IngestAuthFilter.EVERY_PATH);
        }
        if (maxSlowBodiesPerClient > 0) {
            environment
                    .servlets()
                    .addFilter("slow-bodies", new SlowBodyFilter(maxSlowBodiesPerClient, logLimiter))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, IngestAuthFilter.EVERY_PATH);
        }
    }

    /** The longest a push waits to be applied here before the reply says it is queued (202). */
    @NotNull
    @JsonProperty
    private Duration applyTimeout = Duration.seconds(5);

    public long applyTimeoutMillis() {
        return applyTimeout.toMilliseconds();
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
    public String getPushMode() {
        return pushMode;
    }

    @JsonProperty
    public void setPushMode(String pushMode) {
        this.pushMode = pushMode;
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
