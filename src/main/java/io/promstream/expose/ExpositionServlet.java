package io.promstream.expose;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /metrics}: the registry in the text format 0.0.4, or OpenMetrics 1.0 when the {@code Accept} header
 * asks for it (fitted by {@link OpenMetricsFit}). {@code ?name[]=x} (repeatable) keeps the families named
 * {@code x}, by family name or by any of their sample names ({@code x_total}, {@code x_bucket}...).
 */
public final class ExpositionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Where pushes to the bare {@code /metrics} go. */
    public static final String AGGREGATE_PUSH_PATH = "/aggregate/metrics";

    private final transient CollectorRegistry registry;

    public ExpositionServlet(CollectorRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = TextFormat.chooseContentType(request.getHeader("Accept"));
        String[] given = request.getParameterValues("name[]");
        List<MetricFamilySamples> families = collect(given == null ? Set.of() : Set.of(dedupe(given)));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        try (Writer writer = new Utf8Writer(response.getOutputStream(), 1 << 16)) {
            write(contentType, writer, families);
        }
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
        } catch (jakarta.servlet.ServletException e) {
            throw new IOException(e);
        }
    }

    /** Renders families in the format {@link TextFormat#chooseContentType} chose: what a scrape gets. */
    public static void write(String contentType, Writer writer, List<MetricFamilySamples> families) throws IOException {
        boolean openMetrics = contentType.startsWith(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        TextFormat.writeFormat(contentType, writer,
                Collections.enumeration(openMetrics ? OpenMetricsFit.apply(families) : families));
    }

    private List<MetricFamilySamples> collect(Set<String> names) {
        List<MetricFamilySamples> out = new ArrayList<>();
        Enumeration<MetricFamilySamples> all = registry.metricFamilySamples();
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

    private static String[] dedupe(String[] names) {
        return new java.util.LinkedHashSet<>(List.of(names)).toArray(String[]::new);
    }
}
