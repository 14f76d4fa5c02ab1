package io.promstream.ingest.http;

import io.promstream.ingest.push.HttpIngestor;
import io.promstream.store.Family;
import io.promstream.store.Group;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Pushgateway's HTTP API over the store's Pushgateway-style groups (docs/endpoints.md): {@code GET
 * /api/v1/metrics} lists each group with its families, as the Pushgateway does (numbers as strings);
 * {@code GET /api/v1/status}; {@code PUT /api/v1/admin/wipe} deletes every group; {@code /-/healthy} and
 * {@code /-/ready}.
 */
@Path("/api/v1")
public class PushgatewayApi {
    private final MetricStore store;
    private final HttpIngestor ingestor;
    private final String version;
    private final Instant started;

    public PushgatewayApi(MetricStore store, HttpIngestor ingestor, InstantSource clock, String version) {
        this.store = store;
        this.ingestor = ingestor;
        this.version = version;
        this.started = clock.instant();
    }

    @GET
    @Path("metrics")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> metrics() {
        List<Map<String, Object>> data = new ArrayList<>();
        for (Group group : store.visibleGroups(System.nanoTime())) {
            Map<String, Object> entry = new TreeMap<>();
            for (Family family : group.families()) {
                List<Map<String, Object>> metrics = new ArrayList<>();
                for (SeriesSnapshot s : store.snapshot(group, family)) {
                    metrics.add(metric(family, s));
                }
                Map<String, Object> json = new LinkedHashMap<>();
                json.put(
                        "time_stamp",
                        Instant.ofEpochMilli(group.writtenMillis(family.name())).toString());
                json.put("type", family.type().name());
                if (family.help() != null) {
                    json.put("help", family.help());
                }
                json.put("metrics", metrics);
                entry.put(family.name(), json);
            }
            entry.put("labels", labels(group.key().names(), group.key().values()));
            entry.put("last_push_successful", group.failureTime() <= group.pushTime());
            data.add(entry);
        }
        return Map.of("status", "success", "data", data);
    }

    private static Map<String, Object> metric(Family family, SeriesSnapshot s) {
        Map<String, Object> json = new TreeMap<>();
        json.put("labels", labels(s.labels().names(), s.labels().values()));
        switch (family.type()) {
            case COUNTER, GAUGE, UNTYPED -> json.put("value", GoFloat.format(s.value()));
            case HISTOGRAM -> {
                Map<String, String> buckets = new LinkedHashMap<>();
                for (int i = 0; i < s.counts().length; i++) {
                    String le = i < s.bounds().length ? GoFloat.format(s.bounds()[i]) : "+Inf";
                    buckets.put(le, Long.toString(s.counts()[i]));
                }
                json.put("buckets", buckets);
                json.put("count", Long.toString(s.count()));
                json.put("sum", GoFloat.format(s.sum()));
            }
            case SUMMARY -> {
                Map<String, String> quantiles = new LinkedHashMap<>();
                for (int i = 0; i < s.quantiles().length; i++) {
                    quantiles.put(GoFloat.format(s.quantiles()[i]), GoFloat.format(s.quantileValues()[i]));
                }
                json.put("quantiles", quantiles);
                json.put("count", Long.toString(s.count()));
                json.put("sum", GoFloat.format(s.sum()));
            }
        }
        return json;
    }

    private static Map<String, String> labels(List<String> names, List<String> values) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), values.get(i));
        }
        return out;
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> status() {
        return Map.of(
                "status",
                "success",
                "data",
                Map.of(
                        "build_information", Map.of("version", version, "program", "prom-stream-gateway"),
                        "flags", Map.of(),
                        "start_time", started.toString()));
    }

    @PUT
    @Path("admin/wipe")
    public Response wipe() {
        ingestor.wipe();
        return Response.accepted().build();
    }

    /** The Pushgateway's probes, {@code GET /-/healthy} and {@code GET /-/ready}: 200 {@code OK}. */
    @Path("/-")
    public static final class Probes {
        @GET
        @Path("healthy")
        @Produces(MediaType.TEXT_PLAIN)
        public String healthy() {
            return "OK";
        }

        @GET
        @Path("ready")
        @Produces(MediaType.TEXT_PLAIN)
        public String ready() {
            return "OK";
        }
    }
}
