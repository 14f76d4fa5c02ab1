package io.promstream.ingest.push;

import io.promstream.queue.QueueWriter;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardTable;
import java.util.SortedMap;

/** Where HTTP pushes go to be applied: onto a shard of the queue, for whichever gateway holds it. */
public interface PushQueue {
    /** How many shards the queue has. */
    int shards();

    /**
     * Puts push {@code id} onto its shards, a copy each, whole or not at all: returns once it is stored, throws
     * {@link redis.clients.jedis.exceptions.JedisException} when it is not (nothing of it is applied).
     */
    void push(String id, SortedMap<Integer, byte[]> copies);

    /** Whether this gateway holds the shard now, so that its own workers apply what is pushed onto it. */
    boolean heldHere(int shard);

    /** The queue in Redis, with the shards this gateway holds. */
    static PushQueue of(QueueWriter writer, ShardTable table) {
        return new PushQueue() {
            @Override
            public int shards() {
                return writer.shards();
            }

            @Override
            public void push(String id, SortedMap<Integer, byte[]> copies) {
                writer.push(id, copies);
                for (int shard : copies.keySet()) {
                    Shard held = table.held(shard);
                    if (held != null) {
                        held.wake();
                    }
                }
            }

            @Override
            public boolean heldHere(int shard) {
                Shard held = table.held(shard);
                return held != null && held.state() == Shard.State.OPEN;
            }
        };
    }
}
