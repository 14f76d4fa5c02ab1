package io.promstream.ui;

import io.promstream.expose.CardinalityReport;
import io.promstream.expose.StatusResource;
import io.promstream.store.Family;
import io.promstream.store.FamilyInspection;
import io.promstream.store.LabelCardinality;
import io.promstream.store.MetricStore;
import io.promstream.store.TtlRules;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's view of the store, computed on request: {@code GET /ui/api/families} (each family's type, series,
 * rate and TTL rule), {@code GET /ui/api/families/<name>} (its series with values and last update, and its label
 * names by cardinality), {@code GET /ui/api/cardinality} (the families with most series and the label names with
 * most values, as Prometheus' TSDB status page lists them).
 */
@Path("/ui/api")
@Produces(MediaType.APPLICATION_JSON)
public class StoreBrowser {
    /** Series a family's page lists at most, and label values shown per label name. */
    static final int MAX_ROWS = 1000;

    private static final int TOP = 10;

    private final MetricStore store;
    private final TtlRules ttl;
    private final FamilyRates rates = new FamilyRates();

    public StoreBrowser(MetricStore store, TtlRules ttl) {
        this.store = store;
        this.ttl = ttl;
    }

    public record FamilyRow(
            String name,
            String type,
            String help,
            int series,
            Double ratePerSecond,
            StatusResource.FamilyTtl ttl,
            String rule) {}

    @GET
    @Path("families")
    public List<FamilyRow> families() {
        List<Family> families = new ArrayList<>(store.families());
        Map<String, Double> totals = new HashMap<>();
        for (Family family : families) {
            totals.put(family.name(), FamilyInspection.total(family));
        }
        Map<String, Double> perSecond = rates.rates(totals, store.clock().millis());
        List<FamilyRow> out = new ArrayList<>();
        for (Family family : families) {
            out.add(row(family, perSecond.get(family.name())));
        }
        out.sort(Comparator.comparing(FamilyRow::name));
        return out;
    }

    /** A series as the console lists it: labels, the values its type has, when a sample last changed it. */
    public record SeriesRow(Map<String, String> labels, Map<String, Object> values, long lastUpdatedMillis) {}

    public record LabelRow(String name, int values, int series, List<Map<String, Object>> top) {}

    public record FamilyDetail(FamilyRow family, int matched, List<SeriesRow> series, List<LabelRow> labels) {}

    /** @param match only series whose labels, written {@code k="v"}, contain this text */
    @GET
    @Path("families/{name}")
    public FamilyDetail family(
            @PathParam("name") String name,
            @QueryParam("match") @DefaultValue("") String match,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        Family family = store.family(name);
        if (family == null) {
            throw new NotFoundException("no family " + name);
        }
        FamilyInspection.Rows rows = FamilyInspection.series(
                family,
                labels -> match.isEmpty() || SeriesValues.text(labels).contains(match),
                Math.max(1, Math.min(MAX_ROWS, limit)));
        List<SeriesRow> series = new ArrayList<>();
        for (FamilyInspection.Row row : rows.rows()) {
            series.add(new SeriesRow(
                    SeriesValues.labels(row.snapshot().labels()),
                    SeriesValues.of(family.type(), row.snapshot()),
                    row.lastUpdatedMillis()));
        }
        series.sort(Comparator.comparing(s -> s.labels().toString()));
        List<LabelRow> labels = new ArrayList<>();
        for (FamilyInspection.LabelName label : FamilyInspection.labelNames(family, TOP)) {
            List<Map<String, Object>> top = new ArrayList<>();
            label.top().forEach(e -> top.add(Map.of("value", e.getKey(), "series", e.getValue())));
            labels.add(new LabelRow(label.name(), label.values(), label.series(), top));
        }
        return new FamilyDetail(row(family, null), rows.matched(), series, labels);
    }

    private FamilyRow row(Family family, Double ratePerSecond) {
        return new FamilyRow(
                family.name(),
                family.type().name().toLowerCase(Locale.ROOT),
                family.help(),
                family.size(),
                ratePerSecond,
                new StatusResource.FamilyTtl(ttl.describe(family.name()), ttl.ttlOf(family.name())),
                family.rule().describe());
    }

    public record Count(String name, int count) {}

    public record Cardinality(int series, int families, List<Count> familiesBySeries, List<Count> labelsByValues) {}

    @GET
    @Path("cardinality")
    public Cardinality cardinality() {
        List<Family> families = new ArrayList<>(store.families());
        List<Count> bySeries = new ArrayList<>();
        for (Family family : families) {
            bySeries.add(new Count(family.name(), family.size()));
        }
        bySeries.sort(Comparator.comparingInt(Count::count).reversed().thenComparing(Count::name));
        List<Count> byValues = new ArrayList<>();
        for (LabelCardinality.LabelStat label : LabelCardinality.scan(store, TOP, CardinalityReport.MAX_LABEL_VALUES)) {
            byValues.add(new Count(label.name(), label.values()));
        }
        return new Cardinality(
                store.seriesCount(), families.size(), bySeries.subList(0, Math.min(TOP, bySeries.size())), byValues);
    }
}
