package io.promstream.expose;

import io.prometheus.client.Collector;
import io.promstream.parse.MetricType;
import io.promstream.store.Family;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * The sample lines of {@code series}, of a family of {@code type} named {@code name}, in order, with their label
     * pairs as {@code labels} holds them (kept from a scrape of the same series), or rendered from each series' labels
     * when {@code labels} is {@code null}.
     */
    final void all(MetricType type, String name, List<SeriesSnapshot> series, ChunkLabels labels, Utf8Writer out)
            throws IOException {
        SampleNames names = new SampleNames(name);
        int n = series.size();
        for (int from = 0; from < n; from += ChunkLabels.READ_AHEAD) {
            int to = Math.min(n, from + ChunkLabels.READ_AHEAD);
            if (labels == null) {
                ChunkLabels.readAhead(series, from, to);
            }
            for (int i = from; i < to; i++) {
                series(type, names, series.get(i), labels, i, out);
            }
        }
    }

    /** The sample lines of one series, the {@code i}th of {@code labels} (or of none). */
    private void series(MetricType type, SampleNames names, SeriesSnapshot s, ChunkLabels labels, int i, Utf8Writer out)
            throws IOException {
        switch (type) {
            case COUNTER -> line(names.total, s, labels, i, null, s.value(), out);
            case GAUGE, UNTYPED -> line(names.plain, s, labels, i, null, s.value(), out);
            case HISTOGRAM -> {
                double[] bounds = s.bounds();
                long[] counts = s.counts();
                for (int b = 0; b <= bounds.length; b++) {
                    String le = b < bounds.length ? Collector.doubleToGoString(bounds[b]) : "+Inf";
                    line(names.bucket, s, labels, i, "le=\"" + le + '"', counts[b], out);
                }
                if (!dropsCountAndSum(s)) {
                    line(names.count, s, labels, i, null, s.count(), out);
                    line(names.sum, s, labels, i, null, s.sum(), out);
                }
            }
            case SUMMARY -> {
                double[] quantiles = s.quantiles();
                double[] values = s.quantileValues();
                for (int q = 0; q < quantiles.length; q++) {
                    if (!dropsSummaryValue(values[q])) {
                        String quantile = "quantile=\"" + Collector.doubleToGoString(quantiles[q]) + '"';
                        line(names.plain, s, labels, i, quantile, values[q], out);
                    }
                }
                line(names.count, s, labels, i, null, s.count(), out);
                if (!dropsSummaryValue(s.sum())) {
                    line(names.sum, s, labels, i, null, s.sum(), out);
                }
            }
        }
    }

    /** One sample line of series {@code s}, named {@code sample}: its label pairs, then {@code extra} (a pair) when not null. */
    private void line(
            byte[] sample, SeriesSnapshot s, ChunkLabels labels, int i, String extra, double value, Utf8Writer out)
            throws IOException {
        out.writeUtf8(sample, 0, sample.length);
        boolean pairs = labels == null ? s.labels().size() > 0 : labels.to(i) > labels.from(i);
        if (pairs || extra != null) {
            out.write('{');
            if (labels == null) {
                ChunkLabels.pairs(s.labels(), out);
            } else {
                out.writeUtf8(labels.text(), labels.from(i), labels.to(i) - labels.from(i));
            }
            closeLabels(pairs, extra, out);
        }
        out.write(' ');
        writeDouble(value, out);
        out.write('\n');
    }

    /** A family's sample names, UTF-8 encoded once for all its lines. */
    private static final class SampleNames {
        final byte[] plain;
        final byte[] total;
        final byte[] bucket;
        final byte[] count;
        final byte[] sum;

        SampleNames(String name) {
            plain = name.getBytes(StandardCharsets.UTF_8);
            total = (name + "_total").getBytes(StandardCharsets.UTF_8);
            bucket = (name + "_bucket").getBytes(StandardCharsets.UTF_8);
            count = (name + "_count").getBytes(StandardCharsets.UTF_8);
            sum = (name + "_sum").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** What follows a series' own label pairs ({@code pairs}: it has some) up to and including the brace. */
    abstract void closeLabels(boolean pairs, String extra, Utf8Writer out) throws IOException;

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

        /** The text format ends every pair with a comma, the last one too. */
        @Override
        void closeLabels(boolean pairs, String extra, Utf8Writer out) throws IOException {
            if (pairs) {
                out.write(',');
            }
            if (extra != null) {
                out.write(extra);
                out.write(',');
            }
            out.write('}');
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

        /** OpenMetrics separates pairs with commas. */
        @Override
        void closeLabels(boolean pairs, String extra, Utf8Writer out) throws IOException {
            if (extra != null) {
                if (pairs) {
                    out.write(',');
                }
                out.write(extra);
            }
            out.write('}');
        }
    }
}
