package io.promstream.ui;

import io.promstream.store.Family;
import io.promstream.store.Group;
import io.promstream.store.MetricStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /ui/api/groups}: the replace-mode groups as the Pushgateway's page lists them, each with its grouping
 * labels, {@code push_time_seconds}, {@code push_failure_time_seconds} and its families (series each).
 */
@Path("/ui/api/groups")
@Produces(MediaType.APPLICATION_JSON)
public class GroupsResource {
    private final MetricStore store;

    public GroupsResource(MetricStore store) {
        this.store = store;
    }

    public record FamilyCount(String name, String type, int series, long writtenMillis) {}

    public record GroupRow(
            Map<String, String> labels,
            double pushTimeSeconds,
            double pushFailureTimeSeconds,
            List<FamilyCount> families) {}

    @GET
    public List<GroupRow> groups() {
        List<GroupRow> out = new ArrayList<>();
        for (Group group : store.visibleGroups(System.nanoTime())) {
            List<FamilyCount> families = new ArrayList<>();
            for (Family family : group.families()) {
                if (!family.name().equals(Group.PUSH_TIME) && !family.name().equals(Group.PUSH_FAILURE_TIME)) {
                    families.add(new FamilyCount(
                            family.name(),
                            family.type().name().toLowerCase(Locale.ROOT),
                            store.snapshot(group, family).size(),
                            group.writtenMillis(family.name())));
                }
            }
            families.sort(Comparator.comparing(FamilyCount::name));
            out.add(new GroupRow(SeriesValues.labels(group.key()), group.pushTime(), group.failureTime(), families));
        }
        out.sort(Comparator.comparing(g -> g.labels().toString()));
        return out;
    }
}
