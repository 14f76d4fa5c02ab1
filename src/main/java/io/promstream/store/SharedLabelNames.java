package io.promstream.store;

import io.promstream.parse.Sample;
import java.util.Arrays;

/**
 * The label-name arrays one family's series share (most series of a family have the same names): one array per
 * distinct name set, up to {@link #SHARED_NAME_SETS} of them, so that a new series does not copy its names.
 */
final class SharedLabelNames {
    private static final int SHARED_NAME_SETS = 16;

    /** Distinct label-name arrays the family's series share; copied on write. */
    private volatile String[][] nameSets = new String[0][];

    /** The labels of a new series, its label names in a shared array. */
    LabelSet labelsOf(Sample sample) {
        int n = sample.labelCount();
        if (n == 0) {
            return LabelSet.EMPTY;
        }
        String[] names = sharedNames(sample.labels().names(), n);
        return new LabelSet(names, Arrays.copyOf(sample.labels().values(), n));
    }

    /** {@code names[0..count)} as one of the shared arrays, added when new and there is room. */
    private String[] sharedNames(String[] names, int count) {
        String[][] sets = nameSets;
        for (String[] set : sets) {
            if (set.length == count && sameNames(set, names, count)) {
                return set;
            }
        }
        String[] copy = Arrays.copyOf(names, count);
        synchronized (this) {
            if (nameSets.length < SHARED_NAME_SETS) {
                String[][] grown = Arrays.copyOf(nameSets, nameSets.length + 1);
                grown[nameSets.length] = copy;
                nameSets = grown;
            }
        }
        return copy;
    }

    private static boolean sameNames(String[] set, String[] names, int count) {
        for (int i = 0; i < count; i++) {
            if (!set[i].equals(names[i])) {
                return false;
            }
        }
        return true;
    }
}
