package io.promstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.NativeHistogram;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Native histogram series: from JSON samples of several senders, checkpointed, in a group. */
class NativeHistogramStoreTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
    private final Partition p = store.openPartition(0);

    private List<Sample> parse(String json) {
        SampleBatch batch = new SampleBatch();
        new SampleParser(65_536).parse(json.getBytes(StandardCharsets.UTF_8), batch);
        assertThat(batch.elementRejection()).as(json).isNull();
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.detach(i));
        }
        return out;
    }

    private Refusal apply(String json) {
        Refusal last = null;
        for (Sample s : parse(json)) {
            last = s.isRejected() ? new Refusal(s.rejection(), s.error()) : store.apply(s, 0, clock.millis(), p);
        }
        return last;
    }

    private NativeHistogram only(String family) {
        List<SeriesSnapshot> series = store.snapshot(store.family(family));
        assertThat(series).hasSize(1);
        return series.get(0).nativeHistogram();
    }

    @Test
    void observationsOfSendersAskingForDifferentSchemasLandAtTheCoarsest() {
        NativeHistogram reference = new NativeHistogram(1, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        double[] values = {0.003, 0.5, 1, 1.7, 12, 250, -4, 0};
        for (int i = 0; i < values.length; i++) {
            int schema = i % 2 == 0 ? 3 : 1;
            assertThat(apply("{\"type\":\"histogram\",\"name\":\"lat\",\"schema\":" + schema + ",\"value\":" + values[i]
                            + "}"))
                    .isNull();
            reference.observe(values[i]);
        }
        NativeHistogram held = only("lat");
        assertThat(held.schema()).isEqualTo(1);
        assertThat(held.count()).isEqualTo(values.length);
        assertThat(held.sum()).isEqualTo(reference.sum());
        assertThat(held.classicCounts()).containsExactly(reference.classicCounts());
        // the text formats show it as a classic histogram of its bucket bounds
        SeriesSnapshot snapshot = store.snapshot(store.family("lat")).get(0);
        assertThat(snapshot.bounds()).containsExactly(held.classicBounds());
        assertThat(snapshot.counts()[snapshot.counts().length - 1]).isEqualTo(values.length);
    }

    @Test
    void wholeHistogramsAddAndClassicSamplesAreRefused() {
        String whole = "{\"type\":\"histogram\",\"name\":\"rt\",\"native\":{\"schema\":2,\"count\":5,\"sum\":7.5,"
                + "\"zeroCount\":1,\"positive\":{\"1\":3,\"5\":1}}}";
        assertThat(apply(whole)).isNull();
        assertThat(apply(whole)).isNull();
        NativeHistogram held = only("rt");
        assertThat(held.count()).isEqualTo(10);
        assertThat(held.zeroCount()).isEqualTo(2);
        assertThat(held.positive().count(0)).isEqualTo(6);
        Refusal classic = apply("{\"type\":\"histogram\",\"name\":\"rt\",\"value\":1,\"buckets\":[1,2]}");
        assertThat(classic.reason()).isEqualTo(RejectReason.INVALID_BUCKETS);
        Refusal inconsistent = apply("{\"type\":\"histogram\",\"name\":\"rt2\",\"native\":{\"schema\":2,\"count\":1,"
                + "\"sum\":1,\"positive\":{\"1\":3}}}");
        assertThat(inconsistent.reason()).isEqualTo(RejectReason.INVALID_BUCKETS);
        Refusal badSchema = apply("{\"type\":\"histogram\",\"name\":\"rt3\",\"schema\":9,\"value\":1}");
        assertThat(badSchema.reason()).isEqualTo(RejectReason.INVALID_BUCKETS);
    }

    @Test
    void aNativeSeriesSurvivesACheckpointAndAGroupKeepsOneAsPushed() throws Exception {
        apply("{\"type\":\"histogram\",\"name\":\"lat\",\"schema\":0,\"value\":3}");
        Sample pushed = parse("{\"type\":\"histogram\",\"name\":\"grouped\",\"native\":{\"schema\":3,\"count\":2,"
                        + "\"sum\":2,\"positive\":{\"0\":2}}}")
                .get(0);
        assertThat(store.applyGroup(Map.of("job", "j"), true, List.of(pushed), clock.millis(), p)
                        .isWhole())
                .isTrue();
        CheckpointCodec.Segment full = CheckpointCodec.take(store, p, true);
        MetricStore restored = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
        Partition q = restored.openPartition(0);
        CheckpointCodec.load(restored, q, full.bytes());
        assertThat(restored.snapshot(restored.family("lat"))
                        .get(0)
                        .nativeHistogram()
                        .toString())
                .isEqualTo(only("lat").toString());
        NativeHistogram group = restored.snapshot(restored.family("grouped")).stream()
                .filter(s -> s.nativeHistogram() != null)
                .findFirst()
                .orElseThrow()
                .nativeHistogram();
        assertThat(group.schema()).isEqualTo(3);
        assertThat(group.count()).isEqualTo(2);
        // the restored series aggregates on
        restored.apply(
                parse("{\"type\":\"histogram\",\"name\":\"lat\",\"schema\":0,\"value\":3}")
                        .get(0),
                1,
                0,
                q);
        assertThat(restored.snapshot(restored.family("lat")).get(0).count()).isEqualTo(2);
    }

    @Test
    void familiesConfiguredNativeAreSoWithoutASchemaInTheirSamples() {
        MetricStore configured = new MetricStore(
                new StoreSettings(100, 600_000, 5, 1000, 160, new NativeDefaults(Map.of("rpc_.*", 2)), StoreRules.NONE),
                clock,
                () -> Long.MAX_VALUE,
                1);
        Partition q = configured.openPartition(0);
        for (String json : List.of(
                "{\"type\":\"histogram\",\"name\":\"rpc_seconds\",\"value\":3}",
                "{\"type\":\"histogram\",\"name\":\"rpc_seconds\",\"value\":5}",
                "{\"type\":\"histogram\",\"name\":\"db_seconds\",\"value\":3}")) {
            assertThat(configured.apply(parse(json).get(0), 0, 0, q)).isNull();
        }
        NativeHistogram rpc =
                configured.snapshot(configured.family("rpc_seconds")).get(0).nativeHistogram();
        assertThat(rpc.schema()).isEqualTo(2);
        assertThat(rpc.count()).isEqualTo(2);
        assertThat(configured.snapshot(configured.family("db_seconds")).get(0).nativeHistogram())
                .as("a family no pattern names stays classic")
                .isNull();
    }
}
