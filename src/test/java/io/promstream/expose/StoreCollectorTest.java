package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StoreCollectorTest {
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), new ManualClock());
    private final CollectorRegistry registry = new CollectorRegistry();

    StoreCollectorTest() {
        registry.register(new StoreCollector(store, CollectTimer.NONE));
    }

    private void apply(MetricType type, String name, double value, String... labels) {
        Sample s = new Sample().type(type).name(name).value(value);
        for (int i = 0; i < labels.length; i += 2) {
            s.label(labels[i], labels[i + 1]);
        }
        s.canonicalizeLabels();
        assertThat(store.apply(s, 0, 0, store.partition(0))).isNull();
    }

    private String render(String contentType) throws Exception {
        StringWriter out = new StringWriter();
        TextFormat.writeFormat(contentType, out, registry.metricFamilySamples());
        return out.toString();
    }

    @Test
    void aNativeHistogramIsAClassicOneInTextOrLeftOut() throws Exception {
        Sample s = new Sample().type(MetricType.HISTOGRAM).name("nh").value(3).nativeSchema(0);
        s.canonicalizeLabels();
        assertThat(store.apply(s, 0, 0, store.partition(0))).isNull();
        apply(MetricType.HISTOGRAM, "classic", 0.3);
        // 3 is in bucket 2 of schema 0: (2, 4]; the zero bucket's threshold is the first bound
        assertThat(render(TextFormat.CONTENT_TYPE_004))
                .contains("nh_bucket{le=\"2.9387358770557188E-39\",} 0.0\n")
                .contains("nh_bucket{le=\"4.0\",} 1.0\nnh_bucket{le=\"+Inf\",} 1.0\nnh_count 1.0\nnh_sum 3.0\n");
        CollectorRegistry without = new CollectorRegistry();
        without.register(new StoreCollector(store, CollectTimer.NONE, false));
        StringWriter out = new StringWriter();
        TextFormat.write004(out, without.metricFamilySamples());
        assertThat(out.toString()).doesNotContain("nh_").contains("classic_count 1.0");
    }

    @Test
    void rendersEveryTypeExactly() throws Exception {
        apply(MetricType.COUNTER, "jobs_total", 3, "queue", "mail");
        apply(MetricType.COUNTER, "jobs", 2, "queue", "mail");
        apply(MetricType.GAUGE, "temperature", 21.5, "room", "a\"b\\c\nd");
        Sample h = new Sample()
                .type(MetricType.HISTOGRAM)
                .name("latency_seconds")
                .value(0.3)
                .buckets(0.1, 1);
        store.apply(h, 0, 0, store.partition(0));
        apply(MetricType.HISTOGRAM, "latency_seconds", 2);
        Sample s = new Sample()
                .type(MetricType.SUMMARY)
                .name("size_bytes")
                .value(10)
                .quantiles(new double[] {0.5}, new double[] {0.01});
        store.apply(s, 0, 0, store.partition(0));

        assertThat(render(TextFormat.CONTENT_TYPE_004)).isEqualTo("""
                # HELP jobs_total Aggregated by prom-stream-gateway.
                # TYPE jobs_total counter
                jobs_total{queue="mail",} 5.0
                # HELP latency_seconds Aggregated by prom-stream-gateway.
                # TYPE latency_seconds histogram
                latency_seconds_bucket{le="0.1",} 0.0
                latency_seconds_bucket{le="1.0",} 1.0
                latency_seconds_bucket{le="+Inf",} 2.0
                latency_seconds_count 2.0
                latency_seconds_sum 2.3
                # HELP size_bytes Aggregated by prom-stream-gateway.
                # TYPE size_bytes summary
                size_bytes{quantile="0.5",} 10.0
                size_bytes_count 1.0
                size_bytes_sum 10.0
                # HELP temperature Aggregated by prom-stream-gateway.
                # TYPE temperature gauge
                temperature{room="a\\"b\\\\c\\nd",} 21.5
                """);
    }

    @Test
    void rendersOpenMetricsWithEof() throws Exception {
        apply(MetricType.COUNTER, "jobs", 2);
        Sample c = new Sample().type(MetricType.COUNTER).name("jobs").value(1).help("Jobs done.");
        store.apply(c, 0, 0, store.partition(0));
        assertThat(render(TextFormat.CONTENT_TYPE_OPENMETRICS_100)).isEqualTo("""
                # TYPE jobs counter
                # HELP jobs Jobs done.
                jobs_total 3.0
                # EOF
                """);
    }

    @Test
    void anEmptyStoreRendersNothing() throws Exception {
        assertThat(render(TextFormat.CONTENT_TYPE_004)).isEmpty();
    }
}
