package io.promstream.queue.sim;

import io.promstream.queue.Checkpoints;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulation's stand-in for a shard's partition of the store: it keeps which elements were applied (each an
 * id), captures what changed since the last capture (or everything) for a checkpoint, and restores from the
 * concatenated captures, as {@code CheckpointCodec} does for series: a full capture replaces what came before, an
 * increment adds to it. A capture that was not committed is abandoned: what it took is captured again.
 */
final class ModelPartition {
    private final List<Long> applied = new ArrayList<>();
    private List<Long> changed = new ArrayList<>();

    void apply(long id) {
        applied.add(id);
        changed.add(id);
    }

    List<Long> applied() {
        return applied;
    }

    Checkpoints.Capture capture(boolean full) {
        List<Long> taken = changed;
        changed = new ArrayList<>();
        List<Long> written = full ? new ArrayList<>(applied) : taken;
        StringBuilder text = new StringBuilder(full ? "F" : "I");
        for (long id : written) {
            text.append(id).append(',');
        }
        text.append(';');
        boolean empty = !full && taken.isEmpty();
        return new Checkpoints.Capture(text.toString().getBytes(StandardCharsets.US_ASCII), full, empty, () -> {
            List<Long> again = new ArrayList<>(taken);
            again.addAll(changed);
            changed = again;
        });
    }

    /** The partition a checkpoint's bytes describe. */
    static ModelPartition restore(byte[] bytes) {
        ModelPartition p = new ModelPartition();
        for (long id : ids(bytes)) {
            p.applied.add(id);
        }
        return p;
    }

    /** The elements a checkpoint's bytes hold. */
    static List<Long> ids(byte[] bytes) {
        List<Long> ids = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.US_ASCII);
        for (String segment : text.split(";")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.charAt(0) == 'F') {
                ids.clear();
            }
            for (String id : segment.substring(1).split(",")) {
                if (!id.isEmpty()) {
                    ids.add(Long.parseLong(id));
                }
            }
        }
        return ids;
    }
}
