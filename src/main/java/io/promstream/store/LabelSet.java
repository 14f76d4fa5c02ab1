package io.promstream.store;

import io.promstream.parse.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A series' canonical label set: names sorted, no empty values. Immutable; the key of a family's series map. */
public final class LabelSet {
    public static final LabelSet EMPTY = new LabelSet(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private final int hash;

    LabelSet(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = hash(names, values, names.length);
    }

    /** Copies the (already canonical) labels of a sample. */
    static LabelSet of(Sample sample) {
        int n = sample.labelCount();
        if (n == 0) {
            return EMPTY;
        }
        return new LabelSet(
                Arrays.copyOf(sample.labels().names(), n),
                Arrays.copyOf(sample.labels().values(), n));
    }

    /** A label set of these labels, sorted by name; empty values are dropped (they mean "no such label"). */
    public static LabelSet of(Map<String, String> labels) {
        TreeMap<String, String> sorted = new TreeMap<>();
        labels.forEach((name, value) -> {
            if (!value.isEmpty()) {
                sorted.put(name, value);
            }
        });
        if (sorted.isEmpty()) {
            return EMPTY;
        }
        return new LabelSet(
                sorted.keySet().toArray(String[]::new), sorted.values().toArray(String[]::new));
    }

    /** These labels plus {@code name=""} in its sorted place, unless they have {@code name} already. */
    LabelSet withEmptyIfAbsent(String name) {
        if (get(name) != null) {
            return this;
        }
        int at = 0;
        while (at < names.length && names[at].compareTo(name) < 0) {
            at++;
        }
        String[] n = new String[names.length + 1];
        String[] v = new String[values.length + 1];
        System.arraycopy(names, 0, n, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        n[at] = name;
        v[at] = "";
        System.arraycopy(names, at, n, at + 1, names.length - at);
        System.arraycopy(values, at, v, at + 1, values.length - at);
        return new LabelSet(n, v);
    }

    static int hash(String[] names, String[] values, int count) {
        int h = 1;
        for (int i = 0; i < count; i++) {
            h = 31 * h + names[i].hashCode();
            h = 31 * h + values[i].hashCode();
        }
        return h;
    }

    boolean sameAs(String[] otherNames, String[] otherValues, int count) {
        if (count != names.length) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!names[i].equals(otherNames[i]) || !values[i].equals(otherValues[i])) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** A value by label name, or {@code null}. */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** Whether label {@code name} has {@code value}; an empty value means the label is absent, as in Prometheus. */
    public boolean has(String name, String value) {
        String actual = get(name);
        return actual == null ? value.isEmpty() : actual.equals(value);
    }

    public List<String> names() {
        return Arrays.asList(names);
    }

    public List<String> values() {
        return Arrays.asList(values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o instanceof LabelSet other) {
            return hash == other.hash && other.sameAs(names, values, names.length);
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(names[i])
                    .append("=\"")
                    .append(values[i])
                    .append('"');
        }
        return sb.append('}').toString();
    }
}
