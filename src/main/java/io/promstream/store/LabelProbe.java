package io.promstream.store;

import io.promstream.parse.Sample;

/**
 * A reusable view of a sample's labels that finds an existing series in a {@link java.util.concurrent.ConcurrentHashMap}
 * without copying them: the map calls {@code probe.equals(storedKey)}, which this answers against {@link LabelSet}.
 * One per thread; never stored as a key.
 */
final class LabelProbe {
    private Sample sample;
    private int hash;

    LabelProbe wrap(Sample s) {
        this.sample = s;
        this.hash = LabelSet.hash(s.labels().names(), s.labels().values(), s.labelCount());
        return this;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet set
                && set.hashCode() == hash
                && set.sameAs(sample.labels().names(), sample.labels().values(), sample.labelCount());
    }
}
