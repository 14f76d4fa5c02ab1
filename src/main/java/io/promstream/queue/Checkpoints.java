package io.promstream.queue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A shard's checkpoints in Redis (docs/semantics.md, Checkpoints): loading them for a new tenure (after deleting
 * parts an earlier holder wrote and never committed), writing a capture of the shard's state as parts of at most
 * {@link #PART_BYTES}, and committing them with the trim of the elements they cover in one script, which also
 * checks the lease, the history and the trimmed count. A commit whose reply is lost stays {@link #unresolved()}
 * until its outcome is read back ({@link #resolve}), before the list is read again. Increments are compacted into
 * a full checkpoint when they outgrow the last full one or number {@link #MAX_PARTS}.
 *
 * <p>The caller serializes the calls and decides when they may run: a commit only while no read is in flight
 * ({@link Reader#quiet()}). Redis errors propagate.
 */
public final class Checkpoints {
    /** Largest checkpoint part (a Redis string) written in one command. */
    public static final int PART_BYTES = 4 * 1024 * 1024;
    /** Parts read in one round trip when loading. */
    private static final int LOAD_BATCH = 8;
    /** A checkpoint is full when the incremental parts outgrow the last full one or count more than this. */
    static final int MAX_PARTS = 64;

    private static final long MIN_COMPACT_BYTES = 1 << 20;

    /**
     * A capture of the shard's state to commit: its bytes, whether it is full (it replaces the parts before it),
     * whether it is empty (nothing changed: no part is written), and what to do when its commit does not land
     * ({@code abandon}: what it held is captured again next time).
     */
    public record Capture(byte[] bytes, boolean full, boolean empty, Runnable abandon) {}

    /** What became of a commit. */
    public enum Outcome {
        COMMITTED,
        /** The lease is not this tenure's. */
        LEASE_LOST,
        /** The lease is, but Redis no longer holds what this tenure committed and read (reload the shard). */
        MOVED
    }

    /** A commit whose reply was lost: its outcome is read back before anything else touches the list. */
    private record Pending(long cut, Capture capture, List<String> written) {}

    private final ShardRedis redis;
    private final ShardKeys keys;
    private final byte[] token;
    private final String tokenName;
    private final List<String> parts = new ArrayList<>();
    private long partsBytes;
    private long fullBytes;
    private boolean needFull;
    private long partNumber;
    private Pending unresolved;

    public Checkpoints(ShardRedis redis, ShardKeys keys, String token) {
        this.redis = redis;
        this.keys = keys;
        this.tokenName = token;
        this.token = ShardKeys.bytes(token);
    }

    /**
     * The committed checkpoint's bytes, after deleting the parts an earlier holder wrote and never committed.
     *
     * @throws MissingPartException when a committed part is missing
     */
    public byte[] load() throws MissingPartException {
        cleanPending();
        List<String> names = redis.committedParts();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int from = 0; from < names.size(); from += LOAD_BATCH) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + LOAD_BATCH));
            List<byte[]> values = redis.partBytes(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (values.get(i) == null) {
                    throw new MissingPartException(batch.get(i));
                }
                bytes.writeBytes(values.get(i));
            }
        }
        parts.clear();
        parts.addAll(names);
        partsBytes = bytes.size();
        fullBytes = names.isEmpty() ? 0 : bytes.size();
        needFull = names.size() > 1;
        return bytes.toByteArray();
    }

    /** A committed checkpoint part is missing: the checkpoint cannot be read. */
    public static final class MissingPartException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingPartException(String part) {
            super("checkpoint part " + part + " is missing");
        }
    }

    private void cleanPending() {
        Set<String> pending = redis.pendingParts();
        if (pending.isEmpty()) {
            return;
        }
        Set<String> committed = new HashSet<>(redis.committedParts());
        List<String> uncommitted = new ArrayList<>();
        for (String name : pending) {
            if (!committed.contains(name)) {
                uncommitted.add(name);
            }
        }
        redis.cleanPending(token, uncommitted);
    }

    /** Whether the next capture should be full (it replaces every part before it). */
    public boolean wantFull() {
        return needFull || parts.size() >= MAX_PARTS || partsBytes - fullBytes > Math.max(fullBytes, MIN_COMPACT_BYTES);
    }

    /** Writes a capture's bytes as parts (none when it is empty); {@code null} when the lease is not this tenure's. */
    public List<String> write(Capture capture) {
        List<String> written = new ArrayList<>();
        if (capture.empty()) {
            return written;
        }
        byte[] bytes = capture.bytes();
        for (int from = 0; from < bytes.length; from += PART_BYTES) {
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PART_BYTES));
            String name = keys.part(tokenName, ++partNumber);
            if (!redis.writePart(token, name, chunk)) {
                return null;
            }
            written.add(name);
        }
        return written;
    }

    /** A capture whose parts could not all be written: what it held is captured again. */
    public void abandon(Capture capture) {
        capture.abandon().run();
        needFull |= capture.full();
    }

    /**
     * Commits the written parts of {@code capture} with the trim of {@code cut} elements the capture covers. Only
     * while no read is in flight. A Redis error leaves it {@link #unresolved()}.
     */
    public Outcome commit(Lease lease, Reader reader, Capture capture, List<String> written, long cut) {
        Pending pending = new Pending(cut, capture, written);
        unresolved = pending; // until the reply says otherwise
        ShardRedis.Committed reply = redis.commit(
                token,
                lease.history(),
                reader.trimmed(),
                cut,
                capture.full(),
                written,
                capture.full() ? List.copyOf(parts) : List.of());
        unresolved = null;
        if (reply.code() == ShardRedis.Committed.DONE
                || reply.code() == ShardRedis.Committed.TRIMMED_ELSEWHERE
                        && reply.trimmed() == reader.trimmed() + cut) {
            committed(pending, reader); // or an earlier attempt of this very commit landed
            return Outcome.COMMITTED;
        }
        capture.abandon().run();
        return reply.code() == ShardRedis.Committed.LEASE_LOST ? Outcome.LEASE_LOST : Outcome.MOVED;
    }

    /** Whether a commit's reply was lost and its outcome is not known yet. */
    public boolean unresolved() {
        return unresolved != null;
    }

    /**
     * Settles a commit whose reply was lost, before the list is read again: the trimmed count (and, for a commit
     * that trimmed nothing, the part list) says whether it landed ({@link Outcome#COMMITTED} then, or when it did
     * not land and nothing moved). When neither fits what Redis holds, the lease says why: another holder moved
     * it ({@link Outcome#LEASE_LOST}), or Redis lost writes ({@link Outcome#MOVED}: reload the shard). Only while
     * no read is in flight; Redis errors propagate and it stays unsettled.
     */
    public Outcome resolve(Lease lease, Reader reader) {
        Pending pending = unresolved;
        if (pending == null) {
            return Outcome.COMMITTED;
        }
        long now = redis.trimmed();
        if (now == reader.trimmed() + pending.cut() && pending.cut() > 0
                || now == reader.trimmed() && pending.cut() == 0 && committedParts(pending)) {
            unresolved = null;
            committed(pending, reader);
            return Outcome.COMMITTED;
        }
        ShardRedis.Renewal renewal = now == reader.trimmed() ? ShardRedis.Renewal.RENEWED : lease.renew();
        unresolved = null;
        pending.capture().abandon().run();
        needFull |= pending.capture().full();
        return switch (renewal) { // it did not land
            case RENEWED -> now == reader.trimmed() ? Outcome.COMMITTED : Outcome.MOVED;
            case LOST -> Outcome.LEASE_LOST;
            case MOVED -> Outcome.MOVED;
        };
    }

    /** For a commit that trimmed nothing: whether its parts made it into the part list. */
    private boolean committedParts(Pending pending) {
        if (pending.written().isEmpty()) {
            return true;
        }
        List<String> names = redis.committedParts();
        return !names.isEmpty()
                && names.get(names.size() - 1)
                        .equals(pending.written().get(pending.written().size() - 1));
    }

    private void committed(Pending pending, Reader reader) {
        reader.committed(pending.cut());
        long bytes = pending.capture().empty() ? 0 : pending.capture().bytes().length;
        if (pending.capture().full()) {
            parts.clear();
            partsBytes = 0;
            fullBytes = bytes;
            needFull = false;
        }
        parts.addAll(pending.written());
        partsBytes += bytes;
    }
}
