package io.promstream.expose;

/** Receives how long one rendering of the store took. */
@FunctionalInterface
public interface CollectTimer {
    CollectTimer NONE = nanos -> {};

    void record(long nanos);
}
