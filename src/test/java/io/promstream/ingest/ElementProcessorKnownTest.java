package io.promstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Counter;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.expose.CollectTimer;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.StoreCollector;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.KnownElementsTest;
import io.promstream.parse.SampleParser;
import io.promstream.queue.LogLimiter;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Elements recognised on their bytes give exactly what the full path gives: a worker that learns elements against
 * one that parses every element afresh, over the same elements, same order, same versions.
 */
class ElementProcessorKnownTest {
    private static final ManualClock CLOCK = new ManualClock();
    /** The values put in elements: numbers of every shape, and bytes that are not numbers. */
    private static final String[] NUMBERS = KnownElementsTest.NUMBERS;

    private static final String[] SHAPES = {
        "{\"type\":\"counter\",\"name\":\"k_jobs_total\",\"value\":%s,\"labels\":{\"queue\":\"mail\"}}",
        "{\"type\":\"counter\",\"name\":\"k_jobs_total\",\"value\": %s,\"labels\":{\"queue\":\"sms\"}}",
        "{\"name\":\"k_jobs_total\",\"labels\":{\"queue\":\"push\"},\"value\":%s,\"type\":\"counter\"}",
        "{\"type\":\"gauge\",\"name\":\"k_temp\",\"value\":%s}",
        "{\"type\":\"gauge\",\"name\":\"k_temp\",\"value\":%s,\"op\":\"inc\",\"labels\":{\"room\":\"b\"}}",
        "{\"type\":\"gauge\",\"name\":\"k_temp\",\"value\":%s,\"timestamp\":1700000000000,\"labels\":{\"room\":\"c\"}}",
        "{\"type\":\"histogram\",\"name\":\"k_lat\",\"value\":%s,\"buckets\":[1,10,100]}",
        "{\"type\":\"summary\",\"name\":\"k_size\",\"value\":%s}",
        "{\"type\":\"counter\",\"name\":\"k_nested\",\"extra\":{\"value\":5},\"value\":%s}",
        "{\"type\":\"counter\",\"name\":\"k_nested\",\"value\":%s,\"extra\":{\"value\":5}}",
        "{\"type\":\"counter\",\"name\":\"k_escaped\",\"labels\":{\"q\":\"\\\"value\\\":1\"},\"value\":%s}",
        "{\"type\":\"counter\",\"name\":\"k_twice\",\"value\":%s,\"value\":2}",
        "{\"type\":\"counter\",\"name\":\"k_decoy\",\"extra\":{\"value\":%s},\"value\":5}",
        "{\"type\":\"counter\",\"name\":\"k_twice\",\"value\":2,\"value\":%s}",
        "{\"type\":\"counter\",\"name\":\"k_wrapped\",\"value\":{\"value\":%s}}",
        "{\"type\":\"counter\",\"name\":\"k_string\",\"value\":\"%s\"}",
        "{\"type\":\"counter\",\"name\":\"k_space\",\"value\" :%s}",
        "[{\"type\":\"counter\",\"name\":\"k_batch\",\"value\":%s}]",
        "{\"type\":\"counter\",\"name\":\"k_trailing\",\"value\":%s} x",
        "{\"type\":\"counter\",\"name\":\"bad name\",\"value\":%s}",
        "{\"type\":\"gauge\",\"name\":\"k_labelled\",\"value\":%s,\"labels\":{\"value\":\"v\"}}",
        // the JSON metrics server's wrapper: a top-level "value" beside "metrics" is not its sample's
        "{\"metrics\":[{\"type\":\"gauge\",\"name\":\"k_wrapper\",\"value\":%s}],\"source\":\"s\"}",
        "{\"value\":%s,\"metrics\":[{\"type\":\"gauge\",\"name\":\"k_wrapper_decoy\",\"value\":1}]}",
        "{\"type\":\"gauge\",\"name\":\"k_not_wrapper\",\"value\":%s,\"metrics\":{\"a\":[]}}",
    };

    private static final class Worker {
        final MetricStore store = new MetricStore(StoreSettings.defaults(), CLOCK, () -> Long.MAX_VALUE, 1);
        final Partition partition = store.openPartition(0).alwaysVisible();
        final GatewayMetrics metrics = new GatewayMetrics(store);
        final List<String> rejected = new ArrayList<>();
        final Rejections rejections = new Rejections(
                metrics.dropped(),
                new LogLimiter(CLOCK, 0, 1000),
                (reason, error, payload, from, to, source) ->
                        rejected.add(reason + " " + error + " [" + from + "," + to + ")"));
        final SampleParser parser = new SampleParser(1 << 16).forOneThread();
        final Counter.Child misrouted = metrics.misrouted();
        ElementProcessor processor = processor();

        ElementProcessor processor() {
            return new ElementProcessor(parser, store, rejections, misrouted, null);
        }

        String exposition() throws Exception {
            StringWriter out = new StringWriter();
            TextFormat.write004(out, Collections.enumeration(new StoreCollector(store, CollectTimer.NONE).collect()));
            return out.toString();
        }
    }

    @Test
    void recognisedElementsApplyExactlyAsParsedOnes() throws Exception {
        Worker learning = new Worker();
        Worker parsing = new Worker();
        Random random = new Random(7);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String shape = SHAPES[random.nextInt(SHAPES.length)];
            elements.add(String.format(shape, NUMBERS[random.nextInt(NUMBERS.length)]));
        }
        for (int i = 0; i < elements.size(); i++) {
            byte[] element = elements.get(i).getBytes(StandardCharsets.UTF_8);
            int a = learning.processor.process(element, i, CLOCK.millis(), "test", learning.partition, 1);
            parsing.processor = parsing.processor(); // knows nothing: every element takes the full path
            int b = parsing.processor.process(element, i, CLOCK.millis(), "test", parsing.partition, 1);
            assertThat(a).as("applied of %s", elements.get(i)).isEqualTo(b);
            assertThat(learning.rejected)
                    .as("rejections after %s", elements.get(i))
                    .isEqualTo(parsing.rejected);
        }
        assertThat(learning.exposition()).isEqualTo(parsing.exposition()).contains("k_jobs_total{queue=\"mail\",}");
        assertThat(learning.processor.knownApplied()).as("elements recognised").isGreaterThan(5_000);
    }

    @Test
    void mutatedCopiesOfKnownElementsApplyAsParsedOnes() throws Exception {
        Worker learning = new Worker();
        Worker parsing = new Worker();
        Random random = new Random(11);
        byte[] alphabet = "0123456789-+.eE \"{}[],:x\\".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 30_000; i++) {
            String shape = SHAPES[random.nextInt(SHAPES.length)];
            byte[] element = String.format(shape, NUMBERS[random.nextInt(NUMBERS.length)])
                    .getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(3) == 0) { // a byte or two changed, mostly near the value
                for (int n = 1 + random.nextInt(2); n > 0; n--) {
                    int at = shape.indexOf("%s");
                    int where = random.nextBoolean() && at >= 0
                            ? Math.max(0, Math.min(element.length - 1, at - 3 + random.nextInt(8)))
                            : random.nextInt(element.length);
                    element[where] = alphabet[random.nextInt(alphabet.length)];
                }
            }
            int a = learning.processor.process(element, i, CLOCK.millis(), "test", learning.partition, 1);
            parsing.processor = parsing.processor();
            int b = parsing.processor.process(element, i, CLOCK.millis(), "test", parsing.partition, 1);
            String quoted = new String(element, StandardCharsets.UTF_8);
            assertThat(a).as("applied of %s", quoted).isEqualTo(b);
            assertThat(learning.rejected).as("rejections after %s", quoted).isEqualTo(parsing.rejected);
        }
        assertThat(learning.exposition()).isEqualTo(parsing.exposition());
        assertThat(learning.processor.knownApplied()).as("elements recognised").isGreaterThan(5_000);
    }

    @Test
    void recognisedElementsAreTheOnesWithOneTopLevelValueNumber() {
        Worker worker = new Worker();
        String[] unrecognised = {
            "{\"type\":\"counter\",\"name\":\"u_nested\",\"extra\":{\"value\":5},\"value\":%s}",
            "{\"type\":\"counter\",\"name\":\"u_twice\",\"value\":%s,\"value\":2}",
            "{\"type\":\"counter\",\"name\":\"u_decoy\",\"extra\":{\"value\":%s},\"value\":5}",
            "{\"type\":\"counter\",\"name\":\"u_wrapped\",\"value\":{\"value\":%s}}",
            "[{\"type\":\"counter\",\"name\":\"u_batch\",\"value\":%s}]",
        };
        for (String shape : unrecognised) {
            long before = worker.processor.knownApplied();
            for (int i = 1; i <= 5; i++) {
                worker.processor.process(
                        String.format(shape, i).getBytes(StandardCharsets.UTF_8), i, 0, "t", worker.partition, 1);
            }
            assertThat(worker.processor.knownApplied()).as(shape).isEqualTo(before);
        }
        String plain = "{\"type\":\"counter\",\"name\":\"u_plain\",\"value\":%s,\"extra\":{\"value\":5}}";
        for (int i = 1; i <= 5; i++) {
            worker.processor.process(
                    String.format(plain, i).getBytes(StandardCharsets.UTF_8), i, 0, "t", worker.partition, 1);
        }
        assertThat(worker.processor.knownApplied()).isEqualTo(3); // seen twice, learnt, then recognised
        assertThat(worker.rejected).isEmpty();
    }

    @Test
    void everySeriesOfManyIsRecognisedFromItsThirdElementOn() {
        Worker worker = new Worker();
        int series = 2000; // about one in eight would collide in a table of one slot per hash
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < series; i++) {
                String element = "{\"type\":\"counter\",\"name\":\"m_requests_total\",\"value\":1,\"labels\":"
                        + "{\"service\":\"svc" + (i % 10) + "\",\"route\":\"/r/" + i + "\"}}";
                worker.processor.process(element.getBytes(StandardCharsets.UTF_8), round, 0, "t", worker.partition, 1);
            }
        }
        assertThat(worker.processor.knownApplied()).isEqualTo(3L * series);
        assertThat(worker.rejected).isEmpty();
    }
}
