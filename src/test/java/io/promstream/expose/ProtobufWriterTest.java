package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Enumeration;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.Info;
import io.prometheus.client.Summary;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import io.promstream.testing.ProtobufExposition;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The protobuf exposition, read back with the same generated classes, holds exactly the series of the text
 * exposition: every name, label (in order) and value, every help text and type, on the random stores of
 * {@link SnapshotWriterTest} and on simpleclient's families of every type.
 */
class ProtobufWriterTest {
    private static final int STORES = Integer.getInteger("protobufWriter.stores", 300);

    @Test
    void holdsWhatTheTextExpositionHoldsOnRandomStores() throws Exception {
        long seed = Long.getLong("protobufWriter.seed", new Random().nextLong());
        Random seeds = new Random(seed);
        Set<MetricType> types = EnumSet.noneOf(MetricType.class);
        for (int i = 0; i < STORES; i++) {
            long storeSeed = seeds.nextLong();
            MetricStore store = SnapshotWriterTest.randomStore(new Random(storeSeed));
            store.families().forEach(f -> types.add(f.type()));
            StoreCollector collector = new StoreCollector(store, CollectTimer.NONE);
            assertThat(ProtobufExposition.asText(protobuf(collector)))
                    .as("store seed %d (-DprotobufWriter.seed=%d)", storeSeed, seed)
                    .isEqualTo(text(collector));
        }
        assertThat(types).as("every type written (seed %d)", seed).containsExactlyInAnyOrder(MetricType.values());
    }

    @Test
    void namesCountersWithTotalAndLeavesTheInfBucketToTheCount() throws Exception {
        ManualClock clock = new ManualClock();
        MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
        Sample jobs = new Sample()
                .type(MetricType.COUNTER)
                .name("jobs_total")
                .value(3)
                .label("b", "2")
                .label("a", "1");
        jobs.canonicalizeLabels();
        store.apply(jobs, 0, clock.millis(), store.partition(0));
        for (double v : new double[] {0.05, 0.3, 9}) {
            Sample s =
                    new Sample().type(MetricType.HISTOGRAM).name("lat").value(v).buckets(0.1, 0.5);
            store.apply(s, 0, clock.millis(), store.partition(0));
        }
        List<Metrics.MetricFamily> families =
                ProtobufExposition.decode(protobuf(new StoreCollector(store, CollectTimer.NONE)));
        assertThat(families).extracting(Metrics.MetricFamily::getName).containsExactly("jobs_total", "lat");
        Metrics.Metric counter = families.get(0).getMetric(0);
        assertThat(counter.getLabelList())
                .extracting(Metrics.LabelPair::getName)
                .as("the order of the text format")
                .containsExactly("a", "b");
        assertThat(counter.getCounter().getValue()).isEqualTo(3);
        Metrics.Histogram histogram = families.get(1).getMetric(0).getHistogram();
        assertThat(histogram.getBucketList())
                .extracting(Metrics.Bucket::getUpperBound, Metrics.Bucket::getCumulativeCount)
                .as("no +Inf bucket: client_golang leaves it to sample_count")
                .containsExactly(Tuple.tuple(0.1, 1L), Tuple.tuple(0.5, 2L));
        assertThat(histogram.getSampleCount()).isEqualTo(3);
        assertThat(histogram.getSampleSum()).isEqualTo(9.35);
    }

    @Test
    void writesSimpleclientsFamiliesAsItsTextFormatDoes() throws Exception {
        CollectorRegistry registry = new CollectorRegistry();
        new GatewayMetrics(new MetricStore(StoreSettings.defaults(), new ManualClock())).register(registry, true);
        Counter.build("c_total", "a counter")
                .labelNames("l")
                .register(registry)
                .labels("x")
                .inc(2);
        Gauge.build("g", "a gauge\\ with \n help").register(registry).set(-1.5);
        Histogram histogram =
                Histogram.build("h_seconds", "a histogram").labelNames("l").register(registry);
        histogram.labels("a").observe(0.3);
        histogram.labels("b").observe(100);
        Summary summary = Summary.build("s", "a summary")
                .quantile(0.5, 0.05)
                .quantile(0.99, 0.001)
                .register(registry);
        summary.observe(4);
        summary.observe(6);
        Info.build("build", "an info").labelNames("version").register(registry).labels("1.2");
        Enumeration.build("state", "a state set")
                .states("up", "down")
                .register(registry)
                .state("down");
        List<MetricFamilySamples> families = Collections.list(registry.metricFamilySamples());
        StringWriter text = new StringWriter();
        TextFormat.write004(text, Collections.enumeration(families));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProtobufMetaWriter.write(families, bytes);
        assertThat(text.toString()).contains("c_created", "h_seconds_bucket", "s{quantile=", "build_info", "state{");
        assertThat(ProtobufExposition.asText(bytes.toByteArray())).isEqualTo(text.toString());
    }

    static byte[] protobuf(StoreCollector collector) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProtobufWriter.writeStore(collector, f -> true, bytes);
        return bytes.toByteArray();
    }

    private static String text(StoreCollector collector) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Utf8Writer out = new Utf8Writer(bytes, 1 << 12)) {
            collector.write(SnapshotWriter.TEXT, out, (Family f) -> true);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
