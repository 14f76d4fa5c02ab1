package io.promstream.store;

/**
 * The key of a stray series in its family's map: the labels' main key (a {@link LabelSet}) is held by the series
 * of another partition, so this one is keyed by its partition as well. Never equal to a {@link LabelProbe}, so
 * look-ups on the hot path only ever find main series.
 */
record StrayKey(int partition, LabelSet labels) {}
