package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.fuzz.HostileCorpus;
import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.PushBody;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.parse.TextFormatException;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ExpositionParsers;
import io.promstream.testing.ManualClock;
import io.promstream.testing.PrometheusServer;
import io.promstream.testing.StaticExpositionServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store filled with everything hostile senders can get into it (the fuzz corpus, applied as the queue and the
 * text pushes apply it, plus extreme values and texts), rendered exactly as a scrape renders it, must be read by
 * every real parser: promtool, prometheus_client's text and OpenMetrics parsers, and a real Prometheus scraping
 * it in both formats.
 */
class HostileExpositionTest {
    private static final ManualClock CLOCK = new ManualClock();
    private static byte[] text;
    private static byte[] openMetrics;
    private static int series;

    @BeforeAll
    static void fillAndRender() throws Exception {
        MetricStore store = new MetricStore(new StoreSettings(100_000, 600_000, 5), CLOCK);
        SampleParser parser = new SampleParser(1 << 20);
        SampleBatch batch = new SampleBatch();
        for (HostileCorpus.Entry entry : HostileCorpus.entries()) {
            parser.parse(entry.bytes(), batch);
            for (int i = 0; i < batch.size(); i++) {
                if (!batch.get(i).isRejected()) {
                    store.apply(batch.get(i), 0, CLOCK.millis(), store.partition(0));
                }
            }
        }
        for (HostileCorpus.Entry entry : HostileCorpus.textEntries()) {
            try {
                store.applyAll(
                        PushBody.parse(entry.bytes(), Map.of("job", "hostile", "instance", "a")),
                        i -> 0,
                        CLOCK.millis(),
                        store.partition(0));
            } catch (TextFormatException refused) {
                // refused pushes change nothing
            }
        }
        extremes(store);
        series = store.seriesCount();
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new StoreCollector(store, CollectTimer.NONE));
        List<MetricFamilySamples> families = Collections.list(registry.metricFamilySamples());
        text = render(TextFormat.CONTENT_TYPE_004, families);
        openMetrics = render(TextFormat.CONTENT_TYPE_OPENMETRICS_100, families);
    }

    /** Values and texts at the edges of what the store accepts. */
    private static void extremes(MetricStore store) {
        String[] texts = {
            "quote \" here",
            "back\\slash",
            "new\nline",
            "tab\there",
            "emoji \uD83D\uDE00",
            "中文",
            "trailing \\",
            "{\"json\":1}",
            "-",
            "0",
            "+Inf",
            "NaN",
            " ",
            "\u007f\u0001"
        };
        double[] values = {0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE / 4, 1e-300, 123456789.123456789, 1e21};
        int i = 0;
        for (String label : texts) {
            apply(
                    store,
                    new Sample()
                            .type(MetricType.GAUGE)
                            .name("extreme:gauge")
                            .value(-values[i % values.length])
                            .label("v", label)
                            .help("help with \\ and \n and \"quotes\""));
            apply(
                    store,
                    new Sample()
                            .type(MetricType.COUNTER)
                            .name("extreme_counter_total")
                            .value(values[i % values.length])
                            .label("v", label));
            i++;
        }
        apply(
                store,
                new Sample()
                        .type(MetricType.GAUGE)
                        .name("extreme_gauge_op")
                        .value(Double.MAX_VALUE / 2)
                        .op(GaugeOp.INC));
        apply(
                store,
                new Sample()
                        .type(MetricType.HISTOGRAM)
                        .name("extreme_hist")
                        .value(-1e300)
                        .buckets(-1e300, -5e-324, 0, 5e-324, 1e300));
        apply(
                store,
                new Sample()
                        .type(MetricType.HISTOGRAM)
                        .name("extreme_hist")
                        .value(1e300)
                        .buckets(-1e300, -5e-324, 0, 5e-324, 1e300));
        apply(
                store,
                new Sample().type(MetricType.SUMMARY).name("extreme_summary").value(-1e300));
        apply(
                store,
                new Sample()
                        .type(MetricType.SUMMARY)
                        .name("extreme_summary")
                        .value(1e-300)
                        .label("q", "small")
                        .quantiles(new double[] {1e-9, 0.5, 1 - 1e-9}, new double[] {1e-10, 0.001, 1e-10}));
        // a summary whose window is empty shows NaN quantiles
        apply(
                store,
                new Sample()
                        .type(MetricType.SUMMARY)
                        .name("extreme_summary")
                        .value(3)
                        .label("q", "old"));
        CLOCK.advance(Duration.ofHours(1));
    }

    private static void apply(MetricStore store, Sample sample) {
        sample.canonicalizeLabels();
        assertThat(store.apply(sample, 0, CLOCK.millis(), store.partition(0)))
                .as("%s", sample)
                .isNull();
    }

    private static byte[] render(String contentType, List<MetricFamilySamples> families) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            ExpositionServlet.write(contentType, writer, families);
        }
        return out.toByteArray();
    }

    @Test
    void theStoreHoldsWhatTheCorpusGotIn() {
        assertThat(series).isGreaterThan(80);
        assertThat(new String(text, StandardCharsets.UTF_8))
                .contains("extreme_hist_sum")
                .contains("emoji \uD83D\uDE00");
    }

    @Test
    void promtoolReadsTheTextFormat() {
        assertThat(ExpositionParsers.promtoolText(text)).isNull();
    }

    @Test
    void prometheusClientReadsBothFormats() {
        assertThat(ExpositionParsers.pythonText(text)).isNull();
        assertThat(ExpositionParsers.pythonOpenMetrics(openMetrics)).isNull();
    }

    @Test
    void aRealPrometheusScrapesBothFormats() {
        Duration wait = Duration.ofSeconds(30);
        Instant before = Instant.now();
        try (StaticExpositionServer targets = StaticExpositionServer.start()) {
            Map<String, URI> jobs = new LinkedHashMap<>();
            jobs.put("hostile_text", targets.serve("/text", TextFormat.CONTENT_TYPE_004, text));
            jobs.put("hostile_openmetrics", targets.serve("/om", TextFormat.CONTENT_TYPE_OPENMETRICS_100, openMetrics));
            try (PrometheusServer prometheus = PrometheusServer.start(jobs)) {
                for (String job : jobs.keySet()) {
                    PrometheusServer.TargetState state = prometheus.awaitScrape(job, before, wait);
                    assertThat(state.up()).as("%s: %s", job, state).isTrue();
                    assertThat(state.lastError()).as(job).isEmpty();
                }
                assertThat(prometheus
                                .awaitSample("extreme_hist_count{job=\"hostile_text\"}", before, wait)
                                .value())
                        .isEqualTo(2);
            }
        }
    }
}
