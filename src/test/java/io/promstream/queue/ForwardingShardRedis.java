package io.promstream.queue;

import java.util.List;
import java.util.Set;

/** A {@link ShardRedis} that passes every call on, for tests to change one of them. */
public class ForwardingShardRedis implements ShardRedis {
    private final ShardRedis to;

    public ForwardingShardRedis(ShardRedis to) {
        this.to = to;
    }

    @Override
    public Acquired acquire(byte[] token, long ttlMillis) {
        return to.acquire(token, ttlMillis);
    }

    @Override
    public Renewal renew(byte[] token, long ttlMillis, byte[] history) {
        return to.renew(token, ttlMillis, history);
    }

    @Override
    public void release(byte[] token) {
        to.release(token);
    }

    @Override
    public Fenced read(byte[] token, long trimmed, byte[] history, long fromTail, int count) {
        return to.read(token, trimmed, history, fromTail, count);
    }

    @Override
    public boolean writePart(byte[] token, String name, byte[] bytes) {
        return to.writePart(token, name, bytes);
    }

    @Override
    public Committed commit(
            byte[] token,
            byte[] history,
            long trimmed,
            long cut,
            boolean full,
            List<String> written,
            List<String> replaced) {
        return to.commit(token, history, trimmed, cut, full, written, replaced);
    }

    @Override
    public long trimmed() {
        return to.trimmed();
    }

    @Override
    public List<String> committedParts() {
        return to.committedParts();
    }

    @Override
    public List<byte[]> partBytes(List<String> names) {
        return to.partBytes(names);
    }

    @Override
    public Set<String> pendingParts() {
        return to.pendingParts();
    }

    @Override
    public void cleanPending(byte[] token, List<String> uncommitted) {
        to.cleanPending(token, uncommitted);
    }

    @Override
    public long length() {
        return to.length();
    }

    @Override
    public void awaitElements(double seconds) {
        to.awaitElements(seconds);
    }
}
