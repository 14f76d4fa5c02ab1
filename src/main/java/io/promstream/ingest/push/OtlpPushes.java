package io.promstream.ingest.push;

import io.promstream.parse.Command;
import io.promstream.parse.Routing;
import io.promstream.parse.SampleJson;
import io.promstream.parse.otlp.OtlpExport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** OTLP exports onto the queue, through an {@link HttpIngestor} (docs/otlp.md). */
final class OtlpPushes {
    private OtlpPushes() {}

    /**
     * An OTLP export, translated at the door (docs/otlp.md): its delta points onto their series' shards, each with
     * its key so that a repeat is not added again; each resource's other points onto its group's shard, replacing
     * the families pushed. Points refused at the door, and when applied here, are listed by their place in the
     * export; a group refused whole lists each of its points.
     */
    static HttpIngestor.Outcome ingest(HttpIngestor ingestor, OtlpExport export, long windowMillis, String source) {
        List<HttpIngestor.Refused> refused = new ArrayList<>();
        for (OtlpExport.Refused r : export.refused()) {
            byte[] what = r.sample() != null
                    ? SampleJson.render(r.sample())
                    : ("OTLP point " + r.index()).getBytes(StandardCharsets.UTF_8);
            ingestor.rejections.reject(r.reason(), r.error(), what, 0, what.length, source);
            refused.add(new HttpIngestor.Refused(r.index(), r.reason().label(), r.error()));
        }
        List<HttpIngestor.Outcome> outcomes = new ArrayList<>();
        SortedMap<Integer, List<OtlpExport.Delta>> byShard = new TreeMap<>();
        for (OtlpExport.Delta delta : export.deltas()) {
            byShard.computeIfAbsent(Routing.shardOf(delta.sample(), ingestor.writer.shards()), s -> new ArrayList<>())
                    .add(delta);
        }
        if (!byShard.isEmpty()) {
            SortedMap<Integer, Command> commands = new TreeMap<>();
            byShard.forEach((shard, deltas) -> commands.put(shard, OtlpExport.keyed(deltas, windowMillis)));
            outcomes.add(ingestor.queue(commands, source));
        }
        for (OtlpExport.Group group : export.groups()) {
            HttpIngestor.Outcome outcome = ingestor.queue(
                    ingestor.onGroupShard(
                            group.grouping(), new Command.GroupPush(group.grouping(), false, group.samples())),
                    source);
            if (outcome.bodyRejection() != null) {
                List<HttpIngestor.Refused> all = new ArrayList<>();
                for (int i = 0; i < group.points(); i++) {
                    all.add(new HttpIngestor.Refused(-1, outcome.bodyRejection().label(), outcome.bodyError()));
                }
                outcome = new HttpIngestor.Outcome(0, all, null, null, false);
            } else if (!outcome.queued()) { // target_info is a sample of the group, not a point of the export
                outcome = new HttpIngestor.Outcome(
                        Math.min(outcome.accepted(), group.points()), outcome.refused(), null, null, false);
            }
            outcomes.add(outcome);
        }
        int accepted = 0;
        boolean queued = false;
        for (HttpIngestor.Outcome o : outcomes) {
            accepted += o.accepted();
            refused.addAll(o.refused());
            queued |= o.queued();
        }
        refused.sort(Comparator.comparingInt(HttpIngestor.Refused::index));
        return new HttpIngestor.Outcome(accepted, refused, null, null, queued);
    }
}
