package io.promstream.ui;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dead-letter list in Redis ({@code redis.deadLetterKey}), as the console reads and edits it: the newest
 * envelopes, and the removal of one envelope once it was requeued. A letter is named by its whole envelope, so
 * letters arriving meanwhile (pushed at the head) never make the console remove another one.
 */
public final class DeadLetterList {
    private final UnifiedJedis redis;
    private final String key;

    /** @param key the list, or {@code null} when dead letters are off */
    public DeadLetterList(UnifiedJedis redis, String key) {
        this.redis = redis;
        this.key = key;
    }

    /** The list's key, or {@code null} when dead letters are off. */
    public String key() {
        return key;
    }

    public long length() {
        return key == null ? 0 : redis.llen(key);
    }

    /** The newest {@code count} envelopes, newest first (JSON text, docs/semantics.md, Rejections). */
    public List<String> newest(int count) {
        return key == null ? List.of() : redis.lrange(key, 0, count - 1L);
    }

    /** Removes one copy of this envelope; whether there was one. */
    public boolean remove(String envelope) {
        return key != null && redis.lrem(key, 1, envelope) > 0;
    }
}
