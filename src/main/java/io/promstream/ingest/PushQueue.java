package io.promstream.ingest;

import io.promstream.queue.QueueWriter;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardTable;

/** Where HTTP pushes go to be applied: onto a shard of the queue, for whichever gateway holds it. */
public interface PushQueue {
    /** How many shards the queue has. */
    int shards();

    /** Puts a queued push onto a shard, once per {@code id} (a re-sent copy is dropped). */
    void push(int shard, String id, byte[] element);

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
            public void push(int shard, String id, byte[] element) {
                writer.push(shard, id, element);
                Shard held = table.held(shard);
                if (held != null) {
                    held.wake();
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
