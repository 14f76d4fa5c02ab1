package io.promstream.parse.otlp;

import io.promstream.parse.Command;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OTLP export translated (docs/otlp.md): the delta points, added across producers, each with the key that
 * recognises a repeat of it; the other points, a group per resource taken as pushed; and the points refused.
 *
 * @param points every data point of the export that carried a value
 */
public record OtlpExport(List<Delta> deltas, List<Group> groups, List<Refused> refused, int points) {
    /** A delta point as a sample to add, its key, its time, and its place in the export. */
    public record Delta(Sample sample, long key, long pointMillis, int index) {}

    /** A resource's cumulative points, gauges and summaries, with the labels of its group. */
    public record Group(Map<String, String> grouping, List<Sample> samples, int points) {}

    /** A point refused, by its place in the export; {@code sample} is what it would have been, or {@code null}. */
    public record Refused(int index, RejectReason reason, String error, Sample sample) {}

    /** Delta points as the command that applies each once per key, kept for {@code windowMillis}. */
    public static Command.KeyedSamples keyed(List<Delta> deltas, long windowMillis) {
        int n = deltas.size();
        List<Sample> samples = new ArrayList<>(n);
        int[] indexes = new int[n];
        long[] keys = new long[n];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            Delta d = deltas.get(i);
            samples.add(d.sample());
            indexes[i] = d.index();
            keys[i] = d.key();
            times[i] = d.pointMillis();
        }
        return new Command.KeyedSamples(samples, indexes, keys, times, windowMillis);
    }
}
