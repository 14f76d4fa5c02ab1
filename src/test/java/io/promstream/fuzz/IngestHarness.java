package io.promstream.fuzz;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.expose.CollectTimer;
import io.promstream.expose.ExpositionServlet;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.StoreCollector;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.http.GroupingKey;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.ingest.push.PushQueue;
import io.promstream.ingest.push.PushTracker;
import io.promstream.ingest.push.QueuedPushApplier;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.Names;
import io.promstream.parse.PushBody;
import io.promstream.parse.PushMode;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.parse.TextFormatException;
import io.promstream.parse.Truncate;
import io.promstream.parse.otlp.OtlpCodec;
import io.promstream.parse.otlp.OtlpExport;
import io.promstream.parse.otlp.OtlpSettings;
import io.promstream.parse.otlp.OtlpTranslator;
import io.promstream.queue.LogLimiter;
import io.promstream.store.Family;
import io.promstream.store.LabelSet;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ExpositionParsers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.IntStream;

/**
 * Feeds one untrusted input through the real ingestion paths into a {@link MetricStore} and checks the
 * properties every input must keep, throwing {@link AssertionError} when one breaks. JSON ({@link #check}) goes
 * through the parser, the queue path ({@link ElementProcessor}) and the HTTP JSON path
 * ({@link HttpIngestor#ingestJson}); a text-format push ({@link #checkText}) through strict UTF-8 decoding,
 * {@link PushBody} (the text-format parser and converter) and {@link HttpIngestor#ingestAll}. Properties:
 *
 * <ul>
 *   <li>nothing throws out of a parser, the ingestion path, or a scrape of the resulting store;</li>
 *   <li>the input is rejected as a whole with a reason, or every sample of it is either applied or rejected
 *       with a reason and an error text, and each rejection reaches the rejection sink exactly once with a byte
 *       range inside the input; never {@code internal_error};</li>
 *   <li>a sample a parser passes is well-formed (valid names, finite value, canonical labels, valid
 *       buckets/quantiles); parsing JSON into a reused, dirty batch gives the same verdicts as a fresh one;</li>
 *   <li>rejected samples change nothing: every series that no applied sample touched is unchanged, and new
 *       series appear only for label sets of applied samples; counters, histogram and summary counts and sums
 *       equal what the applied samples add; the series cap holds; every series' name and labels pass
 *       {@link Names};</li>
 *   <li>a text push is all or nothing, the series cap included.</li>
 * </ul>
 *
 * Each check starts from a fresh store holding a few fixed series (so type conflicts, name collisions, bucket
 * layout mismatches and the series cap are reachable); a finding depends only on its input. Not thread-safe.
 */
public final class IngestHarness {
    public static final int MAX_MESSAGE_BYTES = 65_536;
    /** Small, so that a batch can reach {@code series_limit}. */
    static final int MAX_SERIES = 16;

    static final long NOW_MILLIS = 1_700_000_000_000L;
    private static final long NOW = NOW_MILLIS;
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(NOW));
    private static final Set<String> RESERVED = reservedNames();
    /** Text pushes go to {@code /metrics/job/fuzz/instance/a}. */
    private static final GroupingKey TEXT_GROUPING = GroupingKey.parse("job/fuzz/instance/a");

    /**
     * Series present before every input: names the fuzzer can collide with (see the dictionaries), and a
     * histogram in the text pushes' grouping ({@code job="fuzz",instance="a"}) for layout mismatches.
     */
    static final String SEED_ELEMENT = "["
            + "{\"type\":\"counter\",\"name\":\"fuzz_seed_total\",\"value\":1,\"labels\":{\"a\":\"x\"}},"
            + "{\"type\":\"gauge\",\"name\":\"g\",\"value\":1,\"timestamp\":1000},"
            + "{\"type\":\"histogram\",\"name\":\"h\",\"value\":0.5,\"buckets\":[1,2]},"
            + "{\"type\":\"summary\",\"name\":\"s\",\"value\":1,\"quantiles\":[0.5],\"epsilons\":[0.05]},"
            + "{\"type\":\"counter\",\"name\":\"c\",\"value\":2},"
            + "{\"type\":\"histogram\",\"name\":\"h\",\"value\":3,\"buckets\":[1,2],"
            + "\"labels\":{\"job\":\"fuzz\",\"instance\":\"a\"}}]";

    static final int SEED_SERIES = 6;

    private final WireFormat format;
    private final SampleBatch reused = new SampleBatch();
    private final GatewayMetrics metrics = new GatewayMetrics(new MetricStore(StoreSettings.defaults(), CLOCK));
    private final List<Rejected> rejected = new ArrayList<>();
    private final Rejections rejections;
    private final Map<RejectReason, Long> reasons = new EnumMap<>(RejectReason.class);
    private long checks;
    private long elementsRejected;
    private long samplesApplied;

    public IngestHarness() {
        this(WireFormat.json(MAX_MESSAGE_BYTES));
    }

    public IngestHarness(WireFormat format) {
        this.format = format;
        // logs nothing (0 lines per interval): a fuzzer would flood the log
        this.rejections = new Rejections(
                metrics.dropped(), new LogLimiter(CLOCK, 0, 10_000), (reason, error, payload, from, to, source) -> {
                    if (from < 0 || to < from || to > payload.length) {
                        throw new AssertionError("rejection range [" + from + ", " + to + ") outside the "
                                + payload.length + "-byte element (" + reason + ": " + error + ")");
                    }
                    Truncate.forLog(payload, from, to, 256); // what the log line and dead letter quote
                    rejected.add(new Rejected(reason, error, from, to));
                });
    }

    record Rejected(RejectReason reason, String error, int from, int to) {}

    /**
     * How one element ended: rejected whole ({@code elementRejection}), or one verdict per sample in order
     * ({@code null} = applied).
     */
    public record Outcome(RejectReason elementRejection, List<RejectReason> verdicts) {
        public long applied() {
            return verdicts.stream().filter(v -> v == null).count();
        }
    }

    /**
     * Runs every check on a JSON {@code element}: the parser, a reused batch, the queue path and the HTTP JSON
     * path; throws {@link AssertionError} on the first broken property. Returns the queue path's verdicts.
     */
    public Outcome check(byte[] element) {
        checks++;
        SampleBatch fresh = new SampleBatch();
        try {
            format.parse(element, fresh);
        } catch (Throwable t) {
            throw new AssertionError(format.name() + " parser threw on " + quote(element), t);
        }
        checkParsed(element, fresh);

        soil(reused);
        format.parse(element, reused);
        if (!describe(reused).equals(describe(fresh))) {
            throw new AssertionError("a reused batch parses " + quote(element) + " differently:\n fresh:  "
                    + describe(fresh) + "\n reused: " + describe(reused));
        }
        Outcome outcome = checkQueuePath(element);
        rejected.clear();
        checkKnownPath(element);
        rejected.clear();
        checkJsonBodyPath(element);
        return outcome;
    }

    /**
     * The queue path as a worker takes it, three times over: it learns the element and then recognises it on its
     * bytes ({@code KnownElements}). Each time the same verdicts, and in the end the same store, as parsing the
     * element afresh each time.
     */
    private void checkKnownPath(byte[] element) {
        Fixture learning = new Fixture(element);
        Fixture parsing = new Fixture(element);
        for (int i = 0; i < 3; i++) {
            rejected.clear();
            int a = learning.processor.process(element, 2 + i, NOW, "fuzz", learning.store.partition(0), 1);
            List<Rejected> byWorker = new ArrayList<>(rejected);
            rejected.clear();
            int b = parsing.processor.parseAndApply(element, 2 + i, NOW, "fuzz", parsing.store.partition(0));
            require(a == b, "time " + (i + 1) + ": a worker applied " + a + " samples, parsing afresh " + b, element);
            require(
                    byWorker.equals(rejected),
                    "time " + (i + 1) + ": a worker rejected " + byWorker + ", parsing afresh " + rejected,
                    element);
        }
        Map<String, SeriesSnapshot> byWorker = series(learning.store);
        Map<String, SeriesSnapshot> afresh = series(parsing.store);
        require(
                byWorker.keySet().equals(afresh.keySet()) && sameSeries(afresh, byWorker, Set.of()),
                "a worker that recognised the element left another store than parsing it afresh",
                element);
    }

    private void checkParsed(byte[] element, SampleBatch batch) {
        if (batch.elementRejection() != null) {
            require(batch.size() == 0, "a rejected element keeps samples", element);
            require(batch.elementError() != null, "an element rejection without an error text", element);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Sample s = batch.get(i);
            int start = batch.start(i);
            int end = batch.end(i);
            require(
                    0 <= start && start <= end && end <= element.length,
                    "sample " + i + " has the byte range [" + start + ", " + end + ")",
                    element);
            if (s.isRejected()) {
                require(
                        s.error() != null,
                        "sample " + i + " rejected (" + s.rejection() + ") without an error text",
                        element);
                continue;
            }
            String problem = wellFormed(s, false);
            require(problem == null, "sample " + i + " passed the parser but " + problem, element);
        }
    }

    /**
     * Why a sample that passed the parser is not fit for the store, or {@code null}; a {@code pushed} exposition's
     * gauge or untyped value may be infinite.
     */
    private static String wellFormed(Sample s, boolean pushed) {
        if (s.type() == null) {
            return "has no type";
        }
        if (s.name() == null || !Names.isValidMetricName(s.name())) {
            return "has the name " + s.name();
        }
        boolean infiniteAllowed = pushed && (s.type() == MetricType.GAUGE || s.type() == MetricType.UNTYPED);
        if (!s.hasValue() || !(Double.isFinite(s.value()) || infiniteAllowed && Double.isInfinite(s.value()))) {
            return "has the value " + s.value();
        }
        if (s.type() == MetricType.COUNTER && s.value() < 0) {
            return "is a negative counter";
        }
        if (s.labelCount() > 64) {
            return "has " + s.labelCount() + " labels";
        }
        for (int i = 0; i < s.labelCount(); i++) {
            String name = s.labelName(i);
            if (!Names.isValidLabelName(name)) {
                return "has the label name " + name;
            }
            if (s.labelValue(i) == null || s.labelValue(i).isEmpty()) {
                return "has an empty value for label " + name;
            }
            if (i > 0 && s.labelName(i - 1).compareTo(name) >= 0) {
                return "has labels not sorted or duplicated: " + s.labelName(i - 1) + ", " + name;
            }
            if ((s.type() == MetricType.HISTOGRAM && name.equals("le"))
                    || (s.type() == MetricType.SUMMARY && name.equals("quantile"))) {
                return "has the reserved label " + name;
            }
        }
        if (s.type() == MetricType.HISTOGRAM && s.buckets().isPresent()) {
            double[] b = s.buckets().toArray();
            if (b.length == 0 || b.length > 256) {
                return "has " + b.length + " buckets";
            }
            for (int i = 0; i < b.length; i++) {
                if (!Double.isFinite(b[i]) || (i > 0 && b[i] <= b[i - 1])) {
                    return "has bad buckets " + Arrays.toString(b);
                }
            }
        }
        if (s.type() == MetricType.SUMMARY && s.quantiles().isPresent()) {
            int quantiles = s.quantiles().size();
            if (quantiles == 0 || (s.epsilons().isPresent() && s.epsilons().size() != quantiles)) {
                return "has " + quantiles + " quantiles and " + s.epsilons().size() + " epsilons";
            }
            for (int i = 0; i < quantiles; i++) {
                double q = s.quantiles().get(i);
                if (!(q > 0 && q < 1)
                        || (s.epsilons().isPresent()
                                && !(s.epsilons().get(i) > 0 && s.epsilons().get(i) < 1))) {
                    return "has a quantile or epsilon outside (0,1)";
                }
            }
        }
        return null;
    }

    /** A store holding the seed series, and the ingestion paths into it. */
    private final class Fixture {
        final MetricStore store = new MetricStore(new StoreSettings(MAX_SERIES, 600_000, 5), CLOCK);
        final ElementProcessor processor;
        final HttpIngestor ingestor;
        final Map<String, SeriesSnapshot> before;
        final Set<String> familiesBefore = new HashSet<>();

        Fixture(byte[] input) {
            store.reserveNames(RESERVED);
            SampleParser parser = new SampleParser(MAX_MESSAGE_BYTES);
            PushTracker tracker = new PushTracker();
            QueuedPushApplier queued = new QueuedPushApplier(
                    store,
                    rejections,
                    tracker,
                    CLOCK,
                    metrics.processed("fuzz", "fuzz"),
                    metrics.duplicates(),
                    metrics.repeats());
            processor = new ElementProcessor(parser, store, rejections, metrics.misrouted(), queued);
            ElementProcessor worker = new ElementProcessor(parser, store, rejections, metrics.misrouted(), queued);
            PushQueue local = new PushQueue() { // a queue whose one shard a worker here applies at once
                        @Override
                        public int shards() {
                            return 1;
                        }

                        @Override
                        public void push(String id, SortedMap<Integer, byte[]> copies) {
                            copies.values()
                                    .forEach(element ->
                                            worker.process(element, 3, NOW, "fuzz-http", store.partition(0), 1));
                        }

                        @Override
                        public boolean heldHere(int shard) {
                            return true;
                        }
                    };
            ingestor = new HttpIngestor(parser, rejections, local, tracker, 60_000, 900_000, "fuzz");
            rejected.clear();
            int seeded = processor.parseAndApply(
                    SEED_ELEMENT.getBytes(StandardCharsets.UTF_8), 1, NOW, "fuzz-seed", store.partition(0));
            require(
                    seeded == SEED_SERIES && rejected.isEmpty(),
                    "the seed element was not applied whole: " + rejected,
                    input);
            rejected.clear();
            before = series(store);
            store.families().forEach(fam -> familiesBefore.add(fam.name()));
        }
    }

    /** The queue path: {@link ElementProcessor} as a worker runs it. */
    private Outcome checkQueuePath(byte[] element) {
        Fixture f = new Fixture(element);
        int applied;
        try {
            applied = f.processor.parseAndApply(element, 2, NOW, "fuzz", f.store.partition(0));
        } catch (Throwable t) {
            throw new AssertionError("ElementProcessor threw on " + quote(element), t);
        }
        SampleBatch batch = f.processor.lastBatch();
        List<Sample> samples = new ArrayList<>();
        List<RejectReason> verdicts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            samples.add(batch.get(i));
            verdicts.add(f.processor.verdict(i));
        }
        return verify("queue", element, f, batch.elementRejection(), samples, verdicts, applied);
    }

    /** The HTTP JSON path ({@code POST /api/metrics}): {@link HttpIngestor#ingestJson}, wrapper bodies included. */
    private void checkJsonBodyPath(byte[] body) {
        Fixture f = new Fixture(body);
        HttpIngestor.Outcome outcome;
        try {
            outcome = f.ingestor.ingestJson(body, "fuzz-json");
        } catch (Throwable t) {
            throw new AssertionError("HttpIngestor.ingestJson threw on " + quote(body), t);
        }
        // the ingestor's batch is its own: parse again (deterministic) to know each sample's series
        SampleBatch batch = new SampleBatch();
        new SampleParser(MAX_MESSAGE_BYTES).parseBody(body, batch);
        require(
                (batch.elementRejection() == null) == (outcome.bodyRejection() == null),
                "the body verdict differs between two parses",
                body);
        Map<Integer, RejectReason> refused = new HashMap<>();
        outcome.refused()
                .forEach(r ->
                        refused.put(r.index(), RejectReason.valueOf(r.reason().toUpperCase(Locale.ROOT))));
        List<Sample> samples = new ArrayList<>();
        List<RejectReason> verdicts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            samples.add(batch.get(i));
            verdicts.add(refused.get(i));
            require(
                    !batch.get(i).isRejected() || refused.containsKey(i),
                    "sample " + i + " fails the parser but was not refused",
                    body);
        }
        require(
                outcome.accepted() + refused.size() == batch.size() || outcome.bodyRejection() != null,
                batch.size() + " samples but " + outcome.accepted() + " accepted and " + refused.size() + " refused",
                body);
        verify("json body", body, f, outcome.bodyRejection(), samples, verdicts, outcome.accepted());
    }

    /**
     * The text path ({@code PUT/POST /metrics/job/...}), as {@code TextPushResource} runs it: strict UTF-8, the
     * text-format parser, the push converter, then all-or-nothing ingestion.
     */
    public Outcome checkText(byte[] body) {
        return checkExposition(body, null, "text");
    }

    /** The content type of the protobuf push format. */
    public static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    /**
     * A protobuf push ({@code PUT/POST /metrics/job/...} with the protobuf content type), aggregated as a text push
     * is, then replacing its group on a fresh store: all or nothing either way, the exposition valid after it.
     */
    public Outcome checkProtobuf(byte[] body) {
        Outcome aggregated = checkExposition(body, PROTOBUF, "protobuf");
        checkReplace(body, PROTOBUF);
        return aggregated;
    }

    private Outcome checkExposition(byte[] body, String contentType, String path) {
        checks++;
        Fixture f = new Fixture(body);
        HttpIngestor.Outcome outcome;
        try {
            outcome = f.ingestor.ingestExposition(
                    body, contentType, TEXT_GROUPING.labels(), PushMode.AGGREGATE, false, "fuzz-" + path);
        } catch (Throwable t) {
            throw new AssertionError("HttpIngestor.ingestExposition threw on " + quote(body), t);
        }
        // all or nothing, the series cap included
        require(outcome.refused().isEmpty(), path + ": a push was applied in part: " + outcome.refused(), body);
        if (outcome.bodyRejection() != null) {
            require(outcome.bodyError() != null, "a push refused without a message", body);
            return verify(path, body, f, outcome.bodyRejection(), List.of(), List.of(), 0);
        }
        // the ingestor's samples are its own: convert again (deterministic) to know each one's series
        List<Sample> samples;
        try {
            samples = PushBody.parse(body, contentType, TEXT_GROUPING.labels(), PushMode.AGGREGATE);
        } catch (TextFormatException e) {
            throw new AssertionError("a push applied once is refused when parsed again: " + e.getMessage(), e);
        }
        for (Sample s : samples) {
            String problem = wellFormed(s, true);
            require(problem == null, "a converted " + path + " sample " + problem, body);
        }
        require(
                outcome.accepted() == samples.size(),
                samples.size() + " samples but " + outcome.accepted() + " accepted",
                body);
        return verify(path, body, f, null, samples, Collections.nCopies(samples.size(), null), outcome.accepted());
    }

    /**
     * A replacing push on a fresh store: refused whole (store unchanged but for the group's failure time) or
     * applied whole (the group's series are exactly the pushed ones), and the exposition parses either way.
     */
    private void checkReplace(byte[] body, String contentType) {
        Fixture f = new Fixture(body);
        HttpIngestor.Outcome outcome;
        try {
            outcome = f.ingestor.ingestExposition(
                    body, contentType, TEXT_GROUPING.labels(), PushMode.REPLACE, true, "fuzz-replace");
        } catch (Throwable t) {
            throw new AssertionError("a replacing push threw on " + quote(body), t);
        }
        require(outcome.refused().isEmpty(), "replace: a push was applied in part: " + outcome.refused(), body);
        Map<String, SeriesSnapshot> after = series(f.store);
        for (Map.Entry<String, SeriesSnapshot> e : f.before.entrySet()) {
            require(
                    equal(e.getValue(), after.get(e.getKey())),
                    "replace: an unrelated series changed: " + e.getKey(),
                    body);
        }
        require(
                f.store.seriesCount() == after.size() && after.size() <= MAX_SERIES,
                "replace: series count " + f.store.seriesCount() + " (" + after.size() + " found, cap " + MAX_SERIES
                        + ")",
                body);
        scrape(f.store, body);
    }

    /**
     * An OTLP export ({@code POST /v1/metrics}), read as protobuf and as JSON: whatever decodes is translated and
     * ingested without an exception; every point is accepted or refused with a reason; sent a second time (an
     * exporter's retry) it changes nothing; the exposition stays valid.
     */
    public void checkOtlp(byte[] body) {
        checks++;
        for (OtlpCodec.Encoding encoding : OtlpCodec.Encoding.values()) {
            ExportMetricsServiceRequest request;
            try {
                request = OtlpCodec.decode(body, encoding);
            } catch (OtlpCodec.Undecodable e) {
                continue;
            }
            Fixture f = new Fixture(body);
            HttpIngestor.Outcome first;
            OtlpExport export;
            try {
                export = OtlpTranslator.translate(request, OTLP, NOW);
                first = f.ingestor.ingestOtlp(export, OTLP.windowMillis(), "fuzz-otlp");
            } catch (Throwable t) {
                throw new AssertionError("OTLP ingestion threw on " + quote(body), t);
            }
            require(
                    first.accepted() + first.refused().size() == export.points(),
                    encoding + ": " + export.points() + " points but " + first.accepted() + " accepted and "
                            + first.refused().size() + " refused",
                    body);
            for (Rejected r : rejected) {
                require(r.reason() != null && r.error() != null, "an OTLP refusal without a reason", body);
                require(r.reason() != RejectReason.INTERNAL_ERROR, "otlp: internal_error: " + r.error(), body);
                reasons.merge(r.reason(), 1L, Long::sum);
            }
            Map<String, SeriesSnapshot> once = series(f.store);
            f.ingestor.ingestOtlp(OtlpTranslator.translate(request, OTLP, NOW), OTLP.windowMillis(), "fuzz-otlp");
            Map<String, SeriesSnapshot> twice = series(f.store);
            require(once.keySet().equals(twice.keySet()), "otlp: a repeat changed which series there are", body);
            for (Map.Entry<String, SeriesSnapshot> e : once.entrySet()) {
                require(equal(e.getValue(), twice.get(e.getKey())), "otlp: a repeat changed " + e.getKey(), body);
            }
            rejected.clear();
            scrape(f.store, body);
        }
    }

    /** How the OTLP target translates: the defaults, the harness' size limit. */
    private static final OtlpSettings OTLP =
            new OtlpSettings(OtlpSettings.defaults().windowMillis(), false, Set.of(), true, MAX_MESSAGE_BYTES);

    /**
     * The checks every path shares, once it ingested {@code input} into the fixture's store: rejections reported
     * once each with a reason, nothing but applied samples changed the store, the store's contents are valid.
     */
    private Outcome verify(
            String path,
            byte[] input,
            Fixture f,
            RejectReason wholeRejection,
            List<Sample> samples,
            List<RejectReason> verdictsIn,
            int applied) {
        MetricStore store = f.store;
        Map<String, SeriesSnapshot> before = f.before;
        Map<String, SeriesSnapshot> after = series(store);
        for (Rejected r : rejected) {
            require(r.reason() != null, path + ": a rejection without a reason", input);
            require(r.error() != null, path + ": a " + r.reason() + " rejection without an error text", input);
            require(r.reason() != RejectReason.INTERNAL_ERROR, path + ": internal_error: " + r.error(), input);
            reasons.merge(r.reason(), 1L, Long::sum);
        }
        if (wholeRejection != null) {
            elementsRejected++;
            require(
                    applied == 0 && rejected.size() == 1 && rejected.get(0).reason() == wholeRejection,
                    path + ": a rejected input must be one rejection and nothing applied (applied " + applied + ", "
                            + rejected + ")",
                    input);
            require(
                    before.keySet().equals(after.keySet()) && sameSeries(before, after, Set.of()),
                    path + ": a rejected input changed the store",
                    input);
            return new Outcome(wholeRejection, List.of());
        }
        int appliedSamples = 0;
        Map<String, Expected> touched = new HashMap<>();
        List<RejectReason> verdicts = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (verdictsIn.get(i) != null) {
                verdicts.add(verdictsIn.get(i));
                continue;
            }
            verdicts.add(null);
            appliedSamples++;
            String key = key(familyOf(store, s), s.type(), labels(s));
            touched.computeIfAbsent(key, k -> new Expected(before.get(k))).add(s);
        }
        samplesApplied += applied;
        require(
                applied == appliedSamples,
                path + ": " + applied + " reported applied but " + appliedSamples + " samples were not refused",
                input);
        require(
                rejected.size() == samples.size() - appliedSamples,
                path + ": " + (samples.size() - appliedSamples) + " refused samples but " + rejected.size()
                        + " rejections reported",
                input);

        Set<String> created = new HashSet<>(after.keySet());
        created.removeAll(before.keySet());
        require(
                touched.keySet().containsAll(created),
                path + ": series " + created + " created, but applied samples only touch " + touched.keySet(),
                input);
        require(after.keySet().containsAll(before.keySet()), path + ": series vanished", input);
        require(
                store.seriesCount() == after.size() && after.size() <= MAX_SERIES,
                path + ": series count " + store.seriesCount() + " (" + after.size() + " found, cap " + MAX_SERIES
                        + ")",
                input);
        require(
                sameSeries(before, after, touched.keySet()),
                path + ": a series no applied sample touched changed",
                input);
        for (Map.Entry<String, Expected> e : touched.entrySet()) {
            String problem = e.getValue().mismatch(after.get(e.getKey()));
            require(problem == null, path + ": series " + e.getKey() + ": " + problem, input);
        }
        for (Family family : store.families()) {
            require(Names.isValidMetricName(family.name()), path + ": family name " + family.name(), input);
            for (SeriesSnapshot snapshot : store.snapshot(family)) {
                LabelSet labels = snapshot.labels();
                for (int i = 0; i < labels.size(); i++) {
                    require(
                            Names.isValidLabelName(labels.name(i))
                                    && !labels.value(i).isEmpty(),
                            path + ": series " + family.name() + labels + " has a bad label",
                            input);
                }
            }
        }
        if (applied > 0) {
            scrape(store, input);
        }
        return new Outcome(null, verdicts);
    }

    /**
     * What a touched series must hold afterwards: counters and aggregated untyped series exactly, histograms and
     * summaries by count and sum.
     */
    private static final class Expected {
        private final List<Sample> samples = new ArrayList<>();
        private MetricType type;
        private double sum;
        private long count;

        Expected(SeriesSnapshot before) {
            if (before != null) {
                sum = before.bounds() != null || before.quantiles() != null ? before.sum() : before.value();
                count = before.count();
            }
        }

        void add(Sample s) {
            type = s.type();
            samples.add(s);
            if (s.aggregate() != null) { // a pushed histogram or summary adds its count and sum
                sum += s.aggregate().sum();
                count += s.aggregate().count();
            } else if (s.nativeHistogram() != null) { // so does a whole native histogram
                sum += s.nativeHistogram().sum();
                count += s.nativeHistogram().count();
            } else {
                sum += s.value();
                count++;
            }
        }

        String mismatch(SeriesSnapshot after) {
            if (after == null) {
                return "an applied sample left no series";
            }
            return switch (type) {
                case COUNTER, UNTYPED ->
                    same(after.value(), sum) ? null : type + " " + after.value() + ", expected " + sum;
                case HISTOGRAM, SUMMARY ->
                    after.count() == count && same(after.sum(), sum)
                            ? null
                            : "count/sum " + after.count() + "/" + after.sum() + ", expected " + count + "/" + sum;
                case GAUGE -> null; // set/inc/dec with timestamps and versions: covered by the store's own tests
            };
        }

        private static boolean same(double a, double b) {
            return Double.compare(a, b) == 0 || a == b;
        }
    }

    private static boolean sameSeries(
            Map<String, SeriesSnapshot> before, Map<String, SeriesSnapshot> after, Set<String> exempt) {
        for (Map.Entry<String, SeriesSnapshot> e : before.entrySet()) {
            if (!exempt.contains(e.getKey()) && !equal(e.getValue(), after.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(SeriesSnapshot a, SeriesSnapshot b) {
        return b != null
                && Double.compare(a.value(), b.value()) == 0
                && Arrays.equals(a.bounds(), b.bounds())
                && Arrays.equals(a.counts(), b.counts())
                && Arrays.equals(a.quantiles(), b.quantiles())
                && Arrays.equals(a.quantileValues(), b.quantileValues())
                && Double.compare(a.sum(), b.sum()) == 0
                && a.count() == b.count();
    }

    private static Map<String, SeriesSnapshot> series(MetricStore store) {
        Map<String, SeriesSnapshot> out = new HashMap<>();
        for (Family family : store.families()) {
            for (SeriesSnapshot s : store.snapshot(family)) {
                out.put(key(family.name(), family.type(), s.labels().toString()), s);
            }
        }
        return out;
    }

    private static String key(String family, MetricType type, String labels) {
        return family + "/" + type + labels;
    }

    /** The family an applied sample went to: a counter's {@code x_total} is family {@code x}. */
    private static String familyOf(MetricStore store, Sample s) {
        String name = s.name();
        Family exact = store.family(name);
        if (exact != null && exact.type() == s.type()) {
            return name;
        }
        if (s.type() == MetricType.COUNTER && name.endsWith("_total") && name.length() > 6) {
            return name.substring(0, name.length() - 6);
        }
        return name;
    }

    /** The same text as {@link LabelSet#toString()} for a sample's canonical labels. */
    private static String labels(Sample s) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < s.labelCount(); i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(s.labelName(i))
                    .append("=\"")
                    .append(s.labelValue(i))
                    .append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * Renders the store as a scrape does, in both formats, and has prometheus_client's parsers (one persistent
     * process, see {@link ExpositionParsers}) read each: whatever a sender sent, the exposition must stay valid.
     */
    private static void scrape(MetricStore store, byte[] element) {
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new StoreCollector(store, CollectTimer.NONE));
        List<Collector.MetricFamilySamples> families = Collections.list(registry.metricFamilySamples());
        byte[] text;
        byte[] openMetrics;
        try {
            text = render(TextFormat.CONTENT_TYPE_004, families);
            openMetrics = render(TextFormat.CONTENT_TYPE_OPENMETRICS_100, families);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("rendering the store threw after " + quote(element), e);
        }
        String textProblem = ExpositionParsers.pythonText(text);
        require(
                textProblem == null,
                "the text exposition does not parse (" + textProblem + "):\n"
                        + new String(text, StandardCharsets.UTF_8),
                element);
        String openMetricsProblem = ExpositionParsers.pythonOpenMetrics(openMetrics);
        require(
                openMetricsProblem == null,
                "the OpenMetrics exposition does not parse (" + openMetricsProblem + "):\n"
                        + new String(openMetrics, StandardCharsets.UTF_8),
                element);
    }

    private static byte[] render(String contentType, List<Collector.MetricFamilySamples> families) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            ExpositionServlet.write(contentType, writer, families);
        }
        return out.toByteArray();
    }

    /** Every verdict and every field of every sample, for comparing two parses. */
    static String describe(SampleBatch batch) {
        StringBuilder sb = new StringBuilder();
        sb.append(batch.elementRejection())
                .append(':')
                .append(batch.elementError())
                .append('[');
        for (int i = 0; i < batch.size(); i++) {
            Sample s = batch.get(i);
            sb.append('{')
                    .append(s.rejection())
                    .append(':')
                    .append(s.error())
                    .append(' ')
                    .append(batch.start(i))
                    .append('-')
                    .append(batch.end(i));
            if (!s.isRejected()) {
                sb.append(' ')
                        .append(s.type())
                        .append(' ')
                        .append(s.name())
                        .append(' ')
                        .append(Double.doubleToRawLongBits(s.value()))
                        .append(' ')
                        .append(s.hasValue())
                        .append(' ')
                        .append(s.help())
                        .append(' ')
                        .append(labels(s))
                        .append(' ')
                        .append(s.op())
                        .append(' ')
                        .append(s.timestamp())
                        .append(' ')
                        .append(s.buckets())
                        .append(s.quantiles())
                        .append(s.epsilons());
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    private static void require(boolean ok, String what, byte[] element) {
        if (!ok) {
            throw new AssertionError(what + "; input " + quote(element));
        }
    }

    static String quote(byte[] element) {
        return element.length + " bytes: " + Truncate.forLog(element, 0, element.length, 300);
    }

    private static Set<String> reservedNames() {
        MetricStore dummy = new MetricStore(StoreSettings.defaults(), CLOCK);
        return Collections.unmodifiableSet(new GatewayMetrics(dummy).register(new CollectorRegistry(), false));
    }

    /**
     * Leaves as much state as possible in a reused batch's samples (labels, buckets, quantiles, epsilons, help,
     * op, timestamp, a rejection) before the input is parsed into it: a parser must not let any of it through.
     */
    private static final String[] DIRTY_LABELS =
            IntStream.range(0, 70).mapToObj(i -> "l" + i).toArray(String[]::new);

    private static void soil(SampleBatch batch) {
        batch.reset();
        double[] many = new double[40];
        for (int i = 0; i < many.length; i++) {
            many[i] = i + 1;
        }
        for (int i = 0; i < 8; i++) {
            Sample s = batch.add()
                    .type(MetricType.ofCheckpointCode(i % 4))
                    .name("dirty_" + i)
                    .value(-1.5)
                    .help("dirty")
                    .op(GaugeOp.DEC)
                    .timestamp(12_345)
                    .buckets(many)
                    .quantiles(
                            new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6},
                            new double[] {0.01, 0.01, 0.01, 0.01, 0.01, 0.01});
            for (int l = 0; l < DIRTY_LABELS.length; l++) {
                s.label(DIRTY_LABELS[l], DIRTY_LABELS[l]);
            }
            if (i % 2 == 1) {
                s.reject(RejectReason.TYPE_CONFLICT, "dirty");
            }
        }
    }

    /** Counts since this harness was made, for a summary line. */
    public String summary() {
        return checks + " inputs checked: " + elementsRejected + " elements rejected whole, " + samplesApplied
                + " samples applied, rejections by reason " + reasons;
    }
}
