package io.promstream.testing;

import io.promstream.parse.Routing;
import io.promstream.queue.ShardKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * A known workload for exactly-once tests: element {@code i} is one JSON sample, cycling through a counter over
 * 100 series, a histogram, a gauge increment and a summary, routed onto its series' shard as the example senders
 * do. What a gateway (or all gateways together) must expose after applying elements {@code [0, n)} is
 * {@link #expected}; what they expose is {@link #counted}.
 */
public final class Workload {
    public static final String COUNTER = "nl_requests_total";
    public static final String HISTOGRAM = "nl_seconds";
    public static final String GAUGE = "nl_inflight";
    public static final String SUMMARY = "nl_size";

    private Workload() {}

    public static String element(int i) {
        return switch (i % 4) {
            case 0 ->
                "{\"type\":\"counter\",\"name\":\"" + COUNTER + "\",\"value\":1,\"labels\":{\"k\":\"" + (i / 4 % 100)
                        + "\"}}";
            case 1 ->
                "{\"type\":\"histogram\",\"name\":\"" + HISTOGRAM + "\",\"value\":" + (i % 10) / 10.0
                        + ",\"labels\":{\"k\":\"" + (i % 7) + "\"}}";
            case 2 ->
                "{\"type\":\"gauge\",\"name\":\"" + GAUGE + "\",\"op\":\"inc\",\"value\":1,\"labels\":{\"k\":\""
                        + (i % 5) + "\"}}";
            default ->
                "{\"type\":\"summary\",\"name\":\"" + SUMMARY + "\",\"value\":" + (i % 100) + ",\"labels\":{\"k\":\""
                        + (i % 3) + "\"}}";
        };
    }

    /** The shard element {@code i}'s series routes to. */
    static int shardOf(int i, int shards) {
        String name = switch (i % 4) {
            case 0 -> COUNTER;
            case 1 -> HISTOGRAM;
            case 2 -> GAUGE;
            default -> SUMMARY;
        };
        String k = switch (i % 4) {
            case 0 -> Integer.toString(i / 4 % 100);
            case 1 -> Integer.toString(i % 7);
            case 2 -> Integer.toString(i % 5);
            default -> Integer.toString(i % 3);
        };
        return Routing.shardOf(name, new String[] {"k"}, new String[] {k}, 1, shards);
    }

    /** LPUSHes elements {@code [from, from + count)} onto their shards, a thousand per command. */
    public static void push(UnifiedJedis redis, String queueKey, int shards, int from, int count) {
        List<List<String>> byShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = from; i < from + count; i++) {
            List<String> list = byShard.get(shardOf(i, shards));
            list.add(element(i));
            if (list.size() == 1000) {
                flush(redis, queueKey, shards, byShard);
            }
        }
        flush(redis, queueKey, shards, byShard);
    }

    private static void flush(UnifiedJedis redis, String queueKey, int shards, List<List<String>> byShard) {
        for (int s = 0; s < shards; s++) {
            List<String> list = byShard.get(s);
            if (!list.isEmpty()) {
                redis.lpush(ShardKeys.of(queueKey, s, shards).list(), list.toArray(String[]::new));
                list.clear();
            }
        }
    }

    /** Samples of each kind among the first {@code n} elements. */
    public record Totals(long counter, long histogram, long gauge, long summary) {
        public long all() {
            return counter + histogram + gauge + summary;
        }

        @Override
        public String toString() {
            return "counter " + counter + ", histogram " + histogram + ", gauge " + gauge + ", summary " + summary
                    + " (" + all() + " in all)";
        }
    }

    public static Totals expected(int n) {
        return new Totals((n + 3) / 4, (n + 2) / 4, (n + 1) / 4, n / 4);
    }

    /** What these gateways expose together, summed over them as {@code sum without (instance)} would. */
    public static Totals counted(List<GatewayClient> gateways) {
        long counter = 0;
        long histogram = 0;
        long gauge = 0;
        long summary = 0;
        for (GatewayClient gateway : gateways) {
            for (Map.Entry<String, Double> e :
                    GatewayClient.samples(gateway.scrape()).entrySet()) {
                String series = e.getKey();
                long value = Math.round(e.getValue());
                if (series.startsWith(COUNTER + "{")) {
                    counter += value;
                } else if (series.startsWith(HISTOGRAM + "_count{")) {
                    histogram += value;
                } else if (series.startsWith(GAUGE + "{")) {
                    gauge += value;
                } else if (series.startsWith(SUMMARY + "_count{")) {
                    summary += value;
                }
            }
        }
        return new Totals(counter, histogram, gauge, summary);
    }
}
