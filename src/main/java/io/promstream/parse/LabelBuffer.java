package io.promstream.parse;

import java.util.Arrays;
import java.util.Set;

/**
 * The labels of a {@link Sample} as they are read, reused from sample to sample. {@link #canonicalize()} drops
 * labels with an empty value (Prometheus treats them as absent) and sorts the rest by name.
 */
public final class LabelBuffer {
    private String[] names = new String[8];
    private String[] values = new String[8];
    private int count;

    void clear() {
        Arrays.fill(names, 0, count, null);
        Arrays.fill(values, 0, count, null);
        count = 0;
    }

    void add(String name, String value) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        names[count] = name;
        values[count] = value;
        count++;
    }

    /**
     * Drops labels with an empty value and sorts the rest by name (insertion sort: label sets are small).
     *
     * @return the repeated label name, or {@code null} when every name is unique
     */
    String canonicalize() {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!values[i].isEmpty()) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        Arrays.fill(names, kept, count, null);
        Arrays.fill(values, kept, count, null);
        count = kept;
        for (int i = 1; i < count; i++) {
            String n = names[i];
            String v = values[i];
            int j = i - 1;
            while (j >= 0 && names[j].compareTo(n) > 0) {
                names[j + 1] = names[j];
                values[j + 1] = values[j];
                j--;
            }
            names[j + 1] = n;
            values[j + 1] = v;
        }
        for (int i = 1; i < count; i++) {
            if (names[i].equals(names[i - 1])) {
                return names[i];
            }
        }
        return null;
    }

    /**
     * Adds {@code name} with an empty value, in its sorted place, unless the labels have it: the Pushgateway's
     * {@code instance=""} on a canonical label set. Call after {@link #canonicalize()}, which would drop it.
     */
    public void addEmptyIfAbsent(String name) {
        int at = 0;
        while (at < count && names[at].compareTo(name) < 0) {
            at++;
        }
        if (at < count && names[at].equals(name)) {
            return;
        }
        add(name, "");
        System.arraycopy(names, at, names, at + 1, count - 1 - at);
        System.arraycopy(values, at, values, at + 1, count - 1 - at);
        names[at] = name;
        values[at] = "";
    }

    /**
     * Removes the labels of these names, keeping the order of the others: aggregates them away (docs/semantics.md,
     * Family rules).
     *
     * @return whether any was there
     */
    public boolean remove(Set<String> labelNames) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!labelNames.contains(names[i])) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        boolean removed = kept < count;
        Arrays.fill(names, kept, count, null);
        Arrays.fill(values, kept, count, null);
        count = kept;
        return removed;
    }

    public int count() {
        return count;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The backing arrays; only the first {@link #count()} entries are meaningful. */
    public String[] names() {
        return names;
    }

    public String[] values() {
        return values;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(names[i])
                    .append("=\"")
                    .append(values[i])
                    .append('"');
        }
        return sb.append('}').toString();
    }
}
