package io.promstream.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What the tests of several gateways sharing a queue ask of them all. */
public final class ClusterGateways {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterGateways() {}

    /** Waits until each of the {@code shards} shards is open on exactly one of these gateways. */
    public static void awaitEveryShardHeld(List<GatewayProcess> gateways, int shards) {
        Await.until(
                Duration.ofSeconds(60),
                () -> {
                    List<Integer> open = new ArrayList<>();
                    for (GatewayProcess g : gateways) {
                        try {
                            JSON.readTree(g.client().get("/api/status").body())
                                    .path("shards")
                                    .path("held")
                                    .forEach(s -> {
                                        if ("OPEN".equals(s.path("state").asText())) {
                                            open.add(s.path("shard").asInt());
                                        }
                                    });
                        } catch (IOException | RuntimeException | AssertionError e) {
                            return false;
                        }
                    }
                    return open.size() == shards && new TreeSet<>(open).size() == shards;
                },
                "every shard held by one of the gateways");
    }

    /**
     * A series (with its labels as the scrape renders them) or, for a bare name, the sum of its samples, over the
     * gateways: what {@code sum without (instance)} gives.
     */
    public static double total(List<GatewayProcess> gateways, String series) {
        double total = 0;
        for (GatewayProcess g : gateways) {
            double value =
                    series.contains("{") ? g.client().value(series) : g.client().sum(series);
            total += Double.isNaN(value) ? 0 : value;
        }
        return total;
    }
}
