package io.promstream.ingest;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Counter;
import io.promstream.ingest.reject.RejectionSink;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.SampleParser;
import io.promstream.queue.LogLimiter;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hot path over made-up elements of every type before the workers start, through the call a worker makes
 * ({@link ElementProcessor#process(byte[], long, long, String, Partition, int)}) into a partition of a store of its
 * own: elements repeated (recognised on their bytes) and elements with a label of many values (parsed, validated,
 * a series created). A fresh JVM interprets that path, and the JIT's first compilations would otherwise fall on the
 * first backlog, which then drains at a third of the warm rate. Costs a fraction of a second at start; touches
 * neither the gateway's store nor its meta metrics.
 */
public final class HotPathWarmup implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(HotPathWarmup.class);

    private final SampleParser parser;
    private final int elements;

    public HotPathWarmup(SampleParser parser, int elements) {
        this.parser = parser;
        this.elements = elements;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        MetricStore store = new MetricStore(StoreSettings.defaults(), InstantSource.system(), () -> Long.MAX_VALUE, 1);
        Partition partition = store.openPartition(0);
        Counter dropped =
                Counter.build("warmup_dropped", "unused").labelNames("reason").create();
        Rejections rejections =
                new Rejections(dropped, new LogLimiter(InstantSource.system(), 0, 60_000), RejectionSink.NONE);
        ElementProcessor processor = new ElementProcessor(
                parser.forOneThread(),
                store,
                rejections,
                Counter.build("warmup_misrouted", "unused").create().labels(),
                null);
        byte[][] samples = examples();
        long now = System.currentTimeMillis();
        byte[][] many = new byte[DISTINCT][];
        for (int i = 0; i < DISTINCT; i++) {
            many[i] = unique(samples[i % samples.length], i);
        }
        for (int i = 0; i < elements; i++) {
            byte[] element = i % 2 == 0 // many series: each element seen too rarely to be recognised on its bytes
                    ? many[(i / 2) % DISTINCT]
                    : samples[i % samples.length]; // a few series again and again: recognised (KnownElements)
            processor.process(element, i, now, "warm-up", partition, 1);
        }
        LOG.info(
                "Hot path warmed up with {} made-up elements in {} ms",
                elements,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Series of the parsed half: more than a worker keeps known elements of. */
    private static final int DISTINCT = 10_000;

    /** The element with one more label, {@code id}, of value {@code n}. */
    private static byte[] unique(byte[] element, int n) {
        String text = new String(element, StandardCharsets.UTF_8);
        return text.replace("\"labels\":{", "\"labels\":{\"id\":\"" + n + "\",").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] examples() {
        String[] texts = new String[400];
        for (int i = 0; i < texts.length; i++) {
            String labels = "\"labels\":{\"service\":\"svc" + (i % 7) + "\",\"route\":\"/r/" + (i % 50)
                    + "\",\"code\":\"" + (200 + i % 3) + "\"}";
            texts[i] = switch (i % 5) {
                case 0, 1 -> "{\"type\":\"counter\",\"name\":\"warmup_requests_total\",\"value\":1," + labels + "}";
                case 2 ->
                    "{\"type\":\"gauge\",\"name\":\"warmup_inflight\",\"op\":\"" + (i % 2 == 0 ? "inc" : "set")
                            + "\",\"value\":" + i + "," + labels + "}";
                case 3 -> "{\"type\":\"histogram\",\"name\":\"warmup_seconds\",\"value\":0." + i + "," + labels + "}";
                default ->
                    "[{\"type\":\"summary\",\"name\":\"warmup_size\",\"value\":" + i + "," + labels + "},"
                            + "{\"type\":\"counter\",\"name\":\"warmup_requests_total\",\"value\":2," + labels + "}]";
            };
        }
        byte[][] bytes = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            bytes[i] = texts[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
