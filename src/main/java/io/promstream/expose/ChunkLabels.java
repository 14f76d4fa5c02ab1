package io.promstream.expose;

import io.promstream.store.LabelSet;
import io.promstream.store.SeriesSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The label pairs of a list of series as the exposition writes them ({@code a="x",b="y"}: escaped, UTF-8, without
 * braces), rendered into one array. A gzip scrape keeps a chunk's and reuses it while the chunk shows the same label
 * sets in the same order: a chunk whose every value changed then copies its labels from one place instead of
 * reading each series' label strings wherever they lie on the heap. Immutable.
 */
final class ChunkLabels {
    /** Series whose label values are read ahead of rendering them, at once: see {@link #readAhead}. */
    static final int READ_AHEAD = 16;
    /** Where the read-ahead's loads go, so that the compiler keeps them; its value means nothing. */
    @SuppressWarnings("unused")
    private static int readAhead;

    private final LabelSet[] keys;
    private final byte[] text;
    private final int[] ends;

    private ChunkLabels(LabelSet[] keys, byte[] text, int[] ends) {
        this.keys = keys;
        this.text = text;
        this.ends = ends;
    }

    /** The label pairs of {@code series}, in their order. */
    static ChunkLabels of(List<SeriesSnapshot> series) {
        int n = series.size();
        LabelSet[] keys = new LabelSet[n];
        int[] ends = new int[n];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(n * 40 + 16);
        Utf8Writer out = new Utf8Writer(bytes, 1 << 12); // the stream's lock: once per 4 KiB
        try {
            for (int from = 0; from < n; from += READ_AHEAD) {
                int to = Math.min(n, from + READ_AHEAD);
                readAhead(series, from, to);
                for (int i = from; i < to; i++) {
                    keys[i] = series.get(i).labels();
                    pairs(keys[i], out);
                    ends[i] = (int) out.position();
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // written to memory only
        }
        return new ChunkLabels(keys, bytes.toByteArray(), ends);
    }

    /**
     * Reads the label values of {@code series[from, to)} in one loop of independent loads, before they are rendered.
     * The label values of a store's series lie scattered over the heap: this lets the processor fetch them in
     * parallel, where rendering one series after the other waits on each in turn.
     */
    static void readAhead(List<SeriesSnapshot> series, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            LabelSet labels = series.get(i).labels();
            for (int l = 0; l < labels.size(); l++) {
                String value = labels.value(l);
                sum += value.isEmpty() ? 0 : value.charAt(0);
            }
        }
        readAhead = sum;
    }

    /** The pairs of {@code labels} as the exposition writes them: {@code a="x",b="y"}. */
    static void pairs(LabelSet labels, Utf8Writer out) throws IOException {
        for (int l = 0; l < labels.size(); l++) {
            if (l > 0) {
                out.write(',');
            }
            out.write(labels.name(l));
            out.write("=\"");
            out.writeEscaped(labels.value(l));
            out.write('"');
        }
    }

    /** Whether these are the labels of {@code series}, in order: the same label set objects (a series keeps its own). */
    @SuppressWarnings("ReferenceEquality") // identity, not equality: the same label set objects
    boolean fits(List<SeriesSnapshot> series) {
        if (series.size() != keys.length) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != series.get(i).labels()) {
                return false;
            }
        }
        return true;
    }

    byte[] text() {
        return text;
    }

    /** Where the {@code i}th series' pairs start in {@link #text}. */
    int from(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    /** Where the {@code i}th series' pairs end in {@link #text}. */
    int to(int i) {
        return ends[i];
    }

    /** Bytes held, about (tests and the memory figures). */
    long bytes() {
        return text.length + 8L * keys.length;
    }
}
