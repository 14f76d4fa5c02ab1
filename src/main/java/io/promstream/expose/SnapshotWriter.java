package io.promstream.expose;

import io.prometheus.client.Collector;
import io.promstream.parse.MetricType;
import io.promstream.store.Family;
import io.promstream.store.LabelSet;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.util.List;

/**
 * Writes store families straight from their snapshots in one exposition format: byte for byte what simpleclient's
 * {@code TextFormat} writes for the families {@link StoreCollector} builds of the same snapshots (fitted by
 * {@link OpenMetricsFit} for OpenMetrics), without building them. One writer per format, as client_java 1.x has;
 * {@code SnapshotWriterTest} compares them on random stores.
 */
abstract sealed class SnapshotWriter {
    /** The text format 0.0.4. */
    static final SnapshotWriter TEXT = new Text();
    /** OpenMetrics 1.0, without its {@code # EOF} line. */
    static final SnapshotWriter OPEN_METRICS = new OpenMetrics();

    static SnapshotWriter of(boolean openMetrics) {
        return openMetrics ? OPEN_METRICS : TEXT;
    }

    /** The family's {@code # HELP} and {@code # TYPE} lines. */
    abstract void header(Family family, Utf8Writer out) throws IOException;

    /** Whether this format leaves the histogram's {@code _count} and {@code _sum} out (see {@link OpenMetricsFit}). */
    abstract boolean dropsCountAndSum(SeriesSnapshot histogram);

    /** Whether this format leaves out a summary's quantile value or sum of this value. */
    abstract boolean dropsSummaryValue(double value);

    /** Series whose labels are read ahead of rendering them, at once: see {@link #all}. */
    private static final int READ_AHEAD = 16;
    /** Where the read-ahead's loads go, so that the compiler keeps them; its value means nothing. */
    @SuppressWarnings("unused")
    private static int readAhead;

    /**
     * The sample lines of {@code series}, of a family of {@code type} named {@code name}, in order. The label values
     * of a store's series lie scattered over the heap; reading those of the next {@link #READ_AHEAD} series in one
     * loop of independent loads before rendering them lets the processor fetch them in parallel, where rendering
     * one after the other waits on each in turn (about a third of a large scrape's rendering time).
     */
    final void all(MetricType type, String name, List<SeriesSnapshot> series, Utf8Writer out) throws IOException {
        int size = series.size();
        int sum = 0;
        for (int from = 0; from < size; from += READ_AHEAD) {
            int to = Math.min(size, from + READ_AHEAD);
            for (int i = from; i < to; i++) {
                LabelSet labels = series.get(i).labels();
                for (int l = 0; l < labels.size(); l++) {
                    String value = labels.value(l);
                    sum += value.isEmpty() ? 0 : value.charAt(0);
                }
            }
            for (int i = from; i < to; i++) {
                series(type, name, series.get(i), out);
            }
        }
        readAhead = sum;
    }

    /** The sample lines of one series of a family of {@code type} named {@code name}. */
    final void series(MetricType type, String name, SeriesSnapshot s, Utf8Writer out) throws IOException {
        switch (type) {
            case COUNTER -> line(name, "_total", s.labels(), null, null, s.value(), out);
            case GAUGE, UNTYPED -> line(name, null, s.labels(), null, null, s.value(), out);
            case HISTOGRAM -> histogram(name, s, out);
            case SUMMARY -> summary(name, s, out);
        }
    }

    private void histogram(String name, SeriesSnapshot s, Utf8Writer out) throws IOException {
        double[] bounds = s.bounds();
        long[] counts = s.counts();
        for (int i = 0; i <= bounds.length; i++) {
            String le = i < bounds.length ? Collector.doubleToGoString(bounds[i]) : "+Inf";
            line(name, "_bucket", s.labels(), "le", le, counts[i], out);
        }
        if (!dropsCountAndSum(s)) {
            line(name, "_count", s.labels(), null, null, s.count(), out);
            line(name, "_sum", s.labels(), null, null, s.sum(), out);
        }
    }

    private void summary(String name, SeriesSnapshot s, Utf8Writer out) throws IOException {
        double[] quantiles = s.quantiles();
        double[] values = s.quantileValues();
        for (int i = 0; i < quantiles.length; i++) {
            if (!dropsSummaryValue(values[i])) {
                line(name, null, s.labels(), "quantile", Collector.doubleToGoString(quantiles[i]), values[i], out);
            }
        }
        line(name, "_count", s.labels(), null, null, s.count(), out);
        if (!dropsSummaryValue(s.sum())) {
            line(name, "_sum", s.labels(), null, null, s.sum(), out);
        }
    }

    private void line(
            String name,
            String suffix,
            LabelSet labels,
            String extraName,
            String extraValue,
            double value,
            Utf8Writer out)
            throws IOException {
        out.write(name);
        if (suffix != null) {
            out.write(suffix);
        }
        int n = labels.size();
        if (n > 0 || extraName != null) {
            out.write('{');
            for (int i = 0; i < n; i++) {
                label(i, labels.name(i), labels.value(i), out);
            }
            if (extraName != null) {
                label(n, extraName, extraValue, out);
            }
            out.write('}');
        }
        out.write(' ');
        writeDouble(value, out);
        out.write('\n');
    }

    /** One {@code name="value"} pair, the {@code i}th of its sample. */
    abstract void label(int i, String name, String value, Utf8Writer out) throws IOException;

    /** {@link Collector#doubleToGoString}, without a string for the integral values counters mostly hold. */
    static void writeDouble(double d, Utf8Writer out) throws IOException {
        long whole = (long) d;
        if (whole == d
                && whole > -10_000_000L
                && whole < 10_000_000L
                && (whole != 0 || Double.doubleToRawLongBits(d) == 0)) {
            out.writeLong(whole);
            out.write(".0");
        } else {
            out.write(Collector.doubleToGoString(d));
        }
    }

    static String helpOf(Family family) {
        return family.help() != null ? family.help() : StoreCollector.DEFAULT_HELP;
    }

    /** The family's type as this format's {@code # TYPE} line names it. */
    abstract String typeOf(MetricType type);

    /** The type's name shared by both formats; {@code untyped} is the text format 0.0.4's name for it. */
    static String textTypeOf(MetricType type) {
        return switch (type) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
            case UNTYPED -> "untyped";
        };
    }

    private static final class Text extends SnapshotWriter {
        @Override
        void header(Family family, Utf8Writer out) throws IOException {
            String name = family.name();
            String total = family.type() == MetricType.COUNTER ? "_total" : "";
            out.write("# HELP ");
            out.write(name);
            out.write(total);
            out.write(' ');
            String help = helpOf(family);
            for (int i = 0; i < help.length(); i++) {
                char c = help.charAt(i);
                switch (c) {
                    case '\\' -> out.write("\\\\");
                    case '\n' -> out.write("\\n");
                    default -> out.write(c);
                }
            }
            out.write("\n# TYPE ");
            out.write(name);
            out.write(total);
            out.write(' ');
            out.write(typeOf(family.type()));
            out.write('\n');
        }

        @Override
        String typeOf(MetricType type) {
            return textTypeOf(type);
        }

        @Override
        boolean dropsCountAndSum(SeriesSnapshot histogram) {
            return false;
        }

        @Override
        boolean dropsSummaryValue(double value) {
            return false;
        }

        @Override
        void label(int i, String name, String value, Utf8Writer out) throws IOException {
            out.write(name);
            out.write("=\"");
            out.writeEscaped(value);
            out.write("\",");
        }
    }

    private static final class OpenMetrics extends SnapshotWriter {
        @Override
        void header(Family family, Utf8Writer out) throws IOException {
            out.write("# TYPE ");
            out.write(family.name());
            out.write(' ');
            out.write(typeOf(family.type()));
            out.write("\n# HELP ");
            out.write(family.name());
            out.write(' ');
            out.writeEscaped(helpOf(family));
            out.write('\n');
        }

        /** OpenMetrics names an untyped family {@code unknown}, as simpleclient's {@code Collector.Type.UNKNOWN}. */
        @Override
        String typeOf(MetricType type) {
            return type == MetricType.UNTYPED ? "unknown" : textTypeOf(type);
        }

        /** A negative bucket bound (its text starts with a minus) or a negative sum. */
        @Override
        boolean dropsCountAndSum(SeriesSnapshot histogram) {
            for (double bound : histogram.bounds()) {
                if (bound < 0 || bound == 0 && Double.doubleToRawLongBits(bound) != 0) {
                    return true;
                }
            }
            return histogram.sum() < 0;
        }

        @Override
        boolean dropsSummaryValue(double value) {
            return value < 0;
        }

        @Override
        void label(int i, String name, String value, Utf8Writer out) throws IOException {
            if (i > 0) {
                out.write(',');
            }
            out.write(name);
            out.write("=\"");
            out.writeEscaped(value);
            out.write('"');
        }
    }
}
