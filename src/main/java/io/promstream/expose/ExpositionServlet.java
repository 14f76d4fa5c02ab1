package io.promstream.expose;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.store.Family;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: the registry in the format the {@code Accept} header prefers ({@link ExpositionFormat}):
 * the text format 0.0.4, OpenMetrics 1.0 (fitted by {@link OpenMetricsFit}) or Prometheus' protobuf format
 * ({@link ProtobufWriter}). {@code ?name[]=x} (repeatable) keeps the families named {@code x}, by family name or by
 * any of their sample names ({@code x_total}, {@code x_bucket}...). A full text scrape that accepts gzip is
 * compressed here, from the segments {@link GzipExposition} keeps; a protobuf scrape that accepts gzip is
 * compressed here as it is written (no segments kept); anything else is left to the server's gzip handler.
 */
public final class ExpositionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Where pushes to the bare {@code /metrics} go. */
    public static final String AGGREGATE_PUSH_PATH = "/aggregate/metrics";

    private final transient CollectorRegistry meta;
    private final transient StoreCollector store;
    private final transient GzipExposition gzip;
    private final int gzipLevel;
    private static final String EOF = "# EOF\n";

    /**
     * @param meta        the gateway's own and the JVM's metrics (shown first)
     * @param store       the store's families
     * @param gzipLevel   the deflate level of gzip scrapes, or -1 to never compress them here
     * @param compressors threads that help compress a large gzip scrape, or {@code null}
     * @param helpers     how many of them one scrape may use
     */
    public ExpositionServlet(
            CollectorRegistry meta, StoreCollector store, int gzipLevel, ExecutorService compressors, int helpers) {
        this.meta = meta;
        this.store = store;
        this.gzipLevel = gzipLevel;
        this.gzip = gzipLevel < 0 ? null : new GzipExposition(meta, store, gzipLevel, compressors, helpers);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ExpositionFormat format = ExpositionFormat.negotiate(request.getHeader("Accept"));
        String[] given = request.getParameterValues("name[]");
        boolean gzipped = gzipLevel >= 0 && acceptsGzip(request.getHeader("Accept-Encoding"));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(format.contentType());
        Set<String> names = given == null ? Set.of() : Set.of(dedupe(given));
        Predicate<Family> wanted = f -> names.isEmpty() || exposes(f, names);
        if (format == ExpositionFormat.PROTOBUF) {
            OutputStream body = response.getOutputStream();
            if (gzipped) {
                gzipHeaders(response);
                body = new LevelGzip(body, gzipLevel);
            }
            try (OutputStream out = new BufferedOutputStream(body, 1 << 16)) {
                ProtobufMetaWriter.write(meta(names), out);
                ProtobufWriter.writeStore(store, wanted, out);
            }
            return;
        }
        boolean openMetrics = format == ExpositionFormat.OPEN_METRICS;
        if (gzipped && given == null) {
            gzipHeaders(response);
            gzip.write(openMetrics, response.getOutputStream());
            return;
        }
        try (Utf8Writer writer = new Utf8Writer(response.getOutputStream(), 1 << 16, openMetrics ? EOF : null)) {
            write(format.contentType(), writer, meta(names)); // its # EOF is dropped: the store's families follow
            store.write(SnapshotWriter.of(openMetrics), writer, wanted);
            if (openMetrics) {
                writer.write(EOF.toCharArray()); // not the dropped string: written
            }
        }
    }

    private static void gzipHeaders(HttpServletResponse response) {
        response.setHeader("Content-Encoding", "gzip");
        response.addHeader("Vary", "Accept-Encoding");
    }

    /** A gzip stream at the scrapes' deflate level. */
    private static final class LevelGzip extends GZIPOutputStream {
        LevelGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }

    /** Whether an {@code Accept-Encoding} header lists gzip with a quality above zero. */
    static boolean acceptsGzip(String header) {
        if (header == null) {
            return false;
        }
        for (String coding : header.split(",")) {
            String[] parts = coding.split(";");
            if (!parts[0].trim().equalsIgnoreCase("gzip")) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        return Double.parseDouble(parameter.substring(2).trim()) > 0;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return true;
        }
        return false;
    }

    /**
     * A push to the bare {@code /metrics} (the aggregation gateway's {@code POST}/{@code PUT /metrics}) is a push,
     * not a scrape: it goes to {@code /aggregate/metrics}.
     */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        forwardPush(request, response);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        forwardPush(request, response);
    }

    private static void forwardPush(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            request.getRequestDispatcher(AGGREGATE_PUSH_PATH).forward(request, response);
        } catch (ServletException e) {
            throw new IOException(e);
        }
    }

    /** Renders families in a text format of {@link ExpositionFormat}'s: what a scrape gets. */
    public static void write(String contentType, Writer writer, List<MetricFamilySamples> families) throws IOException {
        boolean openMetrics = contentType.startsWith(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        TextFormat.writeFormat(
                contentType, writer, Collections.enumeration(openMetrics ? OpenMetricsFit.apply(families) : families));
    }

    private List<MetricFamilySamples> meta(Set<String> names) {
        List<MetricFamilySamples> out = new ArrayList<>();
        Enumeration<MetricFamilySamples> all = meta.metricFamilySamples();
        while (all.hasMoreElements()) {
            MetricFamilySamples family = all.nextElement();
            if (names.isEmpty() || matches(family, names)) {
                out.add(family);
            }
        }
        return out;
    }

    private static boolean matches(MetricFamilySamples family, Set<String> names) {
        if (names.contains(family.name)) {
            return true;
        }
        for (MetricFamilySamples.Sample sample : family.samples) {
            if (names.contains(sample.name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a store family is named in {@code names} by its name or the name of a sample it exposes. */
    private static boolean exposes(Family family, Set<String> names) {
        String name = family.name();
        if (names.contains(name)) {
            return true;
        }
        List<String> suffixes = switch (family.type()) {
            case COUNTER -> List.of("_total");
            case GAUGE, UNTYPED -> List.of();
            case HISTOGRAM -> List.of("_bucket", "_count", "_sum");
            case SUMMARY -> List.of("_count", "_sum");
        };
        for (String suffix : suffixes) {
            if (names.contains(name + suffix)) {
                return true;
            }
        }
        return false;
    }

    private static String[] dedupe(String[] names) {
        return new LinkedHashSet<>(List.of(names)).toArray(String[]::new);
    }
}
