package io.promstream.queue;

import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.args.ListDirection;

/**
 * One shard for as long as this gateway holds its lease: from acquiring it, through loading its checkpoint and
 * taking from it, to handing it back or losing it. Nothing taken exists only here: a take reads past a cursor
 * without removing anything (behind {@link Scripts#TAKE_FENCE}), and only a checkpoint that covers what was read trims it off
 * the list, in the same script that records the checkpoint ({@link Scripts#COMMIT}).
 *
 * <p>Several workers read the shard at once, each its own range ({@link ReadWindow}); the take lock is held only
 * to reserve a range and to settle the answer, which happens in list order, each batch numbered in that order by
 * the shared {@link VersionSequence}, so the shard is applied in push order. A batch holds {@link #applyLock}'s
 * read lock until it is applied; a checkpoint holds the take lock and the write lock while it captures the
 * partition, so the capture is exactly what the first {@code cursor} elements made of the last checkpoint, and
 * commits with no read in flight.
 */
public final class Shard {
    private static final Logger LOG = LoggerFactory.getLogger(Shard.class);
    /** Largest checkpoint part (a Redis string) written in one command. */
    static final int PART_BYTES = 4 * 1024 * 1024;
    /** Parts read in one MGET when loading. */
    private static final int LOAD_BATCH = 8;
    /** A checkpoint is full when the incremental parts outgrow the last full one or count more than this. */
    private static final int MAX_PARTS = 64;
    private static final long MIN_COMPACT_BYTES = 1 << 20;

    /** Where the shard is in its tenure here. */
    public enum State { OPENING, OPEN, CLOSING, CLOSED }

    /** Result of one {@link #take}. */
    public enum Took { ELEMENTS, EMPTY, BUSY, CLOSED }

    /** What became of one {@link #checkpoint}. */
    public enum Checkpointed { NOTHING, COMMITTED, LOST, SKIPPED }

    private final ShardKeys keys;
    private final String token;
    private final MetricStore store;
    private final VersionSequence sequence;
    private final int popCount;
    private final LongSupplier nanos;
    private final Runnable nudge;
    private final java.util.concurrent.atomic.AtomicBoolean closeSubmitted = new java.util.concurrent.atomic.AtomicBoolean();
    private final byte[] list;
    private final byte[] lease;
    private final byte[] trimmedKey;
    private final byte[] tokenBytes;
    private final ReentrantLock takeLock = new ReentrantLock();
    /** The reads in flight and their order; under takeLock. */
    private final ReadWindow window;
    private final ReentrantReadWriteLock applyLock = new ReentrantReadWriteLock();
    /** Held by whoever writes a checkpoint (one at a time). */
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private final Object commits = new Object();

    private volatile State state = State.OPENING;
    private volatile Partition partition;
    /** Elements read past the trimmed tail and handed out (settled); under takeLock. */
    private long cursor;
    /** The shard's trimmed count as of our last commit; under takeLock. */
    private long trimmed;
    /** A commit whose reply was lost: its outcome is read back before anything else touches the list. */
    private Pending unresolved;
    private volatile long taken;
    private volatile long length = -1;
    private volatile long commitCount;
    /** Bumped when this gateway itself pushed onto the shard: a waiting worker takes at once. */
    private volatile long wakeups;
    private volatile long leaseDeadlineNanos;
    private volatile boolean nudged;
    private volatile long lastCheckpointNanos;
    private volatile String lostReason;
    /** Lost while the lease is still ours (what Redis holds no longer fits what is here): give it back. */
    private volatile boolean stale;
    /**
     * The replication id of the node that held the shard's slot when the lease was acquired ({@link Scripts}
     * {@code history()}): every script that relies on what was read checks it is still the same.
     */
    private volatile byte[] history;

    // checkpoint bookkeeping, under checkpointLock
    private final List<String> parts = new ArrayList<>();
    private long partsBytes;
    private long fullBytes;
    private boolean needFull;
    private long partNumber;

    Shard(ShardKeys keys, String token, MetricStore store, VersionSequence sequence, int popCount, LongSupplier nanos,
            Runnable nudge) {
        if (popCount < 1 || popCount >= Versions.MAX_BATCH) {
            throw new IllegalArgumentException("popCount must be in [1, " + (Versions.MAX_BATCH - 1) + "]");
        }
        this.keys = keys;
        this.token = token;
        this.store = store;
        this.sequence = sequence;
        this.popCount = popCount;
        this.window = new ReadWindow(takeLock.newCondition(), popCount);
        this.nanos = nanos;
        this.nudge = nudge;
        this.list = ShardKeys.bytes(keys.list());
        this.lease = ShardKeys.bytes(keys.lease());
        this.trimmedKey = ShardKeys.bytes(keys.trimmed());
        this.tokenBytes = ShardKeys.bytes(token);
    }

    public int index() {
        return keys.shard();
    }

    public ShardKeys keys() {
        return keys;
    }

    public State state() {
        return state;
    }

    public Partition partition() {
        return partition;
    }

    /** Elements taken since this gateway acquired the shard. */
    public long taken() {
        return taken;
    }

    /** The list's length at the last take (read and unread elements), or -1. */
    public long length() {
        return length;
    }

    /** Elements read and applied but not yet covered by a checkpoint. */
    public long uncovered() {
        return cursorSnapshot;
    }

    private volatile long cursorSnapshot;

    // ---- the lease ----

    /** Tries to take the lease; true when this tenure now holds it. */
    boolean acquire(UnifiedJedis redis, long ttlMillis) {
        long started = nanos.getAsLong();
        List<?> held = (List<?>) Scripts.ACQUIRE.run(redis, List.of(lease), List.of(tokenBytes, number(ttlMillis)));
        if (Long.valueOf(1).equals(held.get(0))) {
            history = (byte[]) held.get(1);
            leaseDeadlineNanos = started + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
            return true;
        }
        return false;
    }

    /**
     * Extends the lease; false when it is not ours any more. The local deadline counts from before the call, so
     * it never outlives the lease on the server. A lease that is still ours on another history (a failover or
     * restart since it was acquired) is not extended: the shard is lost as stale, to be reloaded from what Redis
     * holds now.
     */
    boolean renew(UnifiedJedis redis, long ttlMillis) {
        long started = nanos.getAsLong();
        Object renewed = Scripts.RENEW.run(redis, List.of(lease), List.of(tokenBytes, number(ttlMillis), history));
        if (Long.valueOf(-1).equals(renewed)) {
            stale = true;
            lost(FAILED_OVER);
            return true;
        }
        if (Long.valueOf(1).equals(renewed)) {
            leaseDeadlineNanos = started + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
            Partition p = partition;
            if (p != null && state == State.OPEN) {
                p.visibleUntil(leaseDeadlineNanos);
            }
            return true;
        }
        return false;
    }

    /** Whether the lease may have run out by now (no renewal confirmed in time). */
    boolean leaseExpired() {
        return nanos.getAsLong() - leaseDeadlineNanos >= 0;
    }

    void release(UnifiedJedis redis) {
        Scripts.RELEASE.run(redis, List.of(lease), List.of(tokenBytes));
    }

    // ---- opening: the checkpoint and what follows it ----

    /**
     * Loads the shard's checkpoint into a fresh partition and makes the shard ready to take from the first
     * element after it. Parts written by an owner that died before committing them are deleted first.
     */
    CheckpointCodec.Loaded open(UnifiedJedis redis) throws CorruptCheckpointException {
        checkpointLock.lock();
        try {
            cleanPending(redis);
            List<byte[]> names = redis.lrange(ShardKeys.bytes(keys.checkpoint()), 0, -1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int from = 0; from < names.size(); from += LOAD_BATCH) {
                List<byte[]> batch = names.subList(from, Math.min(names.size(), from + LOAD_BATCH));
                List<byte[]> values = redis.mget(batch.toArray(byte[][]::new));
                for (int i = 0; i < batch.size(); i++) {
                    if (values.get(i) == null) {
                        throw new CorruptCheckpointException("checkpoint part " + new String(batch.get(i),
                                java.nio.charset.StandardCharsets.UTF_8) + " is missing", null);
                    }
                    bytes.writeBytes(values.get(i));
                }
            }
            byte[] trimmedBytes = redis.get(ShardKeys.bytes(keys.trimmed()));
            Partition fresh = store.openPartition(keys.shard());
            CheckpointCodec.Loaded loaded;
            try {
                loaded = CheckpointCodec.load(store, fresh, bytes.toByteArray());
            } catch (CorruptCheckpointException | RuntimeException e) {
                store.dropPartition(fresh);
                throw e;
            }
            for (byte[] name : names) {
                parts.add(new String(name, java.nio.charset.StandardCharsets.UTF_8));
            }
            partsBytes = bytes.size();
            fullBytes = names.isEmpty() ? 0 : bytes.size();
            needFull = names.size() > 1;
            takeLock.lock();
            try {
                trimmed = trimmedBytes == null ? 0 : Long.parseLong(new String(trimmedBytes,
                        java.nio.charset.StandardCharsets.US_ASCII));
                cursor = 0;
                cursorSnapshot = 0;
                partition = fresh;
                fresh.visibleUntil(leaseDeadlineNanos);
                lastCheckpointNanos = nanos.getAsLong();
                state = State.OPEN;
            } finally {
                takeLock.unlock();
            }
            return loaded;
        } finally {
            checkpointLock.unlock();
        }
    }

    private void cleanPending(UnifiedJedis redis) {
        Set<byte[]> pending = redis.smembers(ShardKeys.bytes(keys.pending()));
        if (pending == null || pending.isEmpty()) {
            return;
        }
        Set<String> committed = new HashSet<>();
        for (byte[] name : redis.lrange(ShardKeys.bytes(keys.checkpoint()), 0, -1)) {
            committed.add(new String(name, java.nio.charset.StandardCharsets.UTF_8));
        }
        List<byte[]> keysToDelete = new ArrayList<>();
        keysToDelete.add(lease);
        keysToDelete.add(ShardKeys.bytes(keys.pending()));
        for (byte[] name : pending) {
            if (!committed.contains(new String(name, java.nio.charset.StandardCharsets.UTF_8))) {
                keysToDelete.add(name);
            }
        }
        Scripts.CLEAN_PENDING.run(redis, keysToDelete, List.of(tokenBytes));
    }

    // ---- taking ----

    /**
     * Reads the next batch past the cursor into {@code out}; the batch holds the apply lock's read lock until
     * {@link #complete}. Several workers read at once, each its own range past the others' ({@link ReadWindow}),
     * and their batches are handed out in list order. With {@code wait} false, a take that would have to wait for
     * the take lock answers {@code BUSY}. Redis errors propagate; nothing was taken then.
     */
    public Took take(UnifiedJedis redis, QueueBatch out, boolean wait) {
        while (true) {
            ReadWindow.Read read;
            if (wait) {
                takeLock.lock();
            } else if (!takeLock.tryLock()) {
                return Took.BUSY;
            }
            try {
                out.clear();
                if (!window.awaitReservable(wait, () -> state == State.OPEN)) {
                    return state == State.OPEN ? Took.BUSY : Took.CLOSED;
                }
                if (state != State.OPEN) {
                    return Took.CLOSED;
                }
                if (unresolved != null) {
                    resolveAlone(redis);
                    if (state != State.OPEN) {
                        return Took.CLOSED;
                    }
                }
                read = window.reserve(trimmed + cursor, trimmed);
            } finally {
                takeLock.unlock();
            }
            Fenced fenced = null;
            try {
                fenced = fencedRead(redis, read.fromTail(), read.trimmed());
            } finally {
                takeLock.lock();
                try {
                    window.returned(read, fenced != null);
                    if (fenced != null) {
                        Took took = settle(read, fenced, out);
                        if (took != null) {
                            return took;
                        }
                    }
                } finally {
                    takeLock.unlock();
                }
            }
            // void (a read before it came back short or failed) or reserved ahead past the end: read again
        }
    }

    /**
     * Hands out a read once every read before it is settled: its elements become the batch, or it turns out to
     * be past the end of what was read before it ({@code null}: read again). Under takeLock.
     */
    private Took settle(ReadWindow.Read read, Fenced fenced, QueueBatch out) {
        if (!window.awaitTurn(read, () -> trimmed + cursor, () -> state == State.OPEN)) {
            return state == State.OPEN ? null : Took.CLOSED;
        }
        if (state != State.OPEN) {
            window.restart();
            return Took.CLOSED;
        }
        long len = fenced.length;
        if (len == -2) {
            window.restart();
            lost("the lease was taken over");
            return Took.CLOSED;
        }
        if (len < 0) {
            window.restart();
            stale = true;
            lost(FAILED_OVER);
            return Took.CLOSED;
        }
        length = len;
        long from = read.fromTail();
        if (len < from && read.first()) {
            window.restart();
            stale = true;
            lost("it holds " + len + " elements, fewer than the " + from + " this gateway read and has not "
                    + "trimmed (Redis lost elements already read, or something else removed them); it is reloaded "
                    + "from what Redis holds");
            return Took.CLOSED;
        }
        List<byte[]> items = fenced.items; // a list of our own, newest first
        window.settled(read, items.size());
        if (items.isEmpty()) { // past the end; for a read reserved ahead, maybe only when it reached Redis
            return read.first() ? Took.EMPTY : null;
        }
        Collections.reverse(items); // oldest first
        applyLock.readLock().lock();
        out.fill(items, sequence.begin(), taken, this);
        cursor += items.size();
        cursorSnapshot = cursor;
        taken += items.size();
        return Took.ELEMENTS;
    }

    /** The fence's answer and what the read found past the cursor. */
    private record Fenced(long length, List<byte[]> items) {
    }

    /**
     * The fence script and the read of {@code popCount} elements from {@code from} past the trimmed tail, in one
     * round trip on one connection; the fence checks that the trimmed count is still {@code trimmedThen}.
     */
    private Fenced fencedRead(UnifiedJedis redis, long from, long trimmedThen) {
        List<byte[]> fenceKeys = List.of(list, lease, trimmedKey);
        List<byte[]> fenceArgs = List.of(tokenBytes, number(trimmedThen), history);
        for (int attempt = 0; ; attempt++) {
            Response<Object> fence;
            Response<List<byte[]>> items;
            try (AbstractPipeline pipeline = redis.pipelined()) {
                fence = Scripts.TAKE_FENCE.queue(pipeline, fenceKeys, fenceArgs, attempt > 0);
                items = pipeline.lrange(list, -(from + popCount), -(from + 1));
                pipeline.sync();
            }
            try {
                return new Fenced((Long) fence.get(), items.get());
            } catch (IllegalStateException e) {
                // a cluster pipeline whose connection broke leaves its replies unset (Jedis logs the cause)
                throw new JedisConnectionException("the take's pipeline to " + keys + " broke", e);
            } catch (JedisNoScriptException e) {
                if (attempt > 0) {
                    throw e;
                }
                // a server that does not know the script yet (a restart, a failover): send it whole, read again
            }
        }
    }

    /** Called by the taker, on its own thread, once every element of {@code batch} is applied or rejected. */
    public void complete(QueueBatch batch) {
        sequence.end(batch.sequence());
        batch.markApplied();
        applyLock.readLock().unlock();
    }

    /**
     * Waits, up to {@code seconds}, for something to take: with nothing read and not yet trimmed, on the list
     * itself ({@code BLMOVE} of its tail onto itself, which changes nothing); otherwise for the checkpoint that
     * trims what was read, which it asks for now.
     */
    public void awaitWork(UnifiedJedis redis, double seconds) throws InterruptedException {
        if (state != State.OPEN) {
            return;
        }
        if (cursorSnapshot == 0) {
            redis.blmove(list, list, ListDirection.RIGHT, ListDirection.RIGHT, seconds);
            return;
        }
        long seen = commitCount;
        long woken = wakeups;
        nudged = true;
        nudge.run();
        synchronized (commits) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (commitCount == seen && wakeups == woken && state == State.OPEN) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(commits, left);
            }
        }
    }

    /** What is queued on the shard and not yet taken, and how many elements had been taken, read atomically. */
    public record Backlog(long unread, long taken) {
    }

    /**
     * The backlog, read atomically with respect to takes; waits at most {@code timeoutNanos} for a take in progress.
     *
     * @return the backlog, or {@code null} when the wait timed out or the shard is not open
     */
    public Backlog backlog(UnifiedJedis redis, long timeoutNanos) throws InterruptedException {
        if (!takeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            if (state != State.OPEN) {
                return null;
            }
            return new Backlog(Math.max(0, redis.llen(list) - cursor), taken);
        } finally {
            takeLock.unlock();
        }
    }

    /**
     * Something was just pushed onto the shard from this gateway (a queued HTTP push): a worker waiting for the
     * trim of what it read wakes and takes it now. (One waiting on the list itself wakes by itself.)
     */
    public void wake() {
        synchronized (commits) {
            wakeups++;
            commits.notifyAll();
        }
    }

    // ---- checkpoints ----

    /** Whether a checkpoint is due: asked for by an idle worker, or {@code intervalNanos} since the last one. */
    boolean checkpointDue(long intervalNanos, long minGapNanos, long maxUncovered) {
        long since = nanos.getAsLong() - lastCheckpointNanos;
        return since >= intervalNanos || (nudged || cursorSnapshot >= maxUncovered) && since >= minGapNanos;
    }

    /**
     * Writes what changed in the partition since the last checkpoint, with the elements it covers trimmed off the
     * list in the same script. With {@code closing}, also when the shard is closing (its last checkpoint).
     */
    Checkpointed checkpoint(UnifiedJedis redis, boolean closing) {
        checkpointLock.lock();
        try {
            long cut;
            CheckpointCodec.Segment segment;
            takeLock.lock();
            try {
                if (!(state == State.OPEN || closing && state == State.CLOSING)) {
                    return Checkpointed.SKIPPED;
                }
                resolveAlone(redis);
                nudged = false;
                lastCheckpointNanos = nanos.getAsLong();
                applyLock.writeLock().lock();
                try {
                    cut = cursor;
                    boolean full = needFull || parts.size() >= MAX_PARTS
                            || partsBytes - fullBytes > Math.max(fullBytes, MIN_COMPACT_BYTES);
                    segment = CheckpointCodec.take(store, partition, full);
                } finally {
                    applyLock.writeLock().unlock();
                }
            } finally {
                takeLock.unlock();
            }
            if (segment.isEmpty() && cut == 0) {
                return Checkpointed.NOTHING;
            }
            List<String> written;
            try {
                written = segment.isEmpty() ? List.of() : writeParts(redis, segment.bytes());
            } catch (RuntimeException e) {
                segment.abandon();
                needFull |= segment.isFull();
                throw e;
            }
            if (written == null) {
                segment.abandon();
                lost("the lease was taken over");
                return Checkpointed.LOST;
            }
            return commit(redis, cut, segment, written);
        } finally {
            checkpointLock.unlock();
        }
    }

    /** Writes the segment as parts of at most {@link #PART_BYTES}; {@code null} when the lease is gone. */
    private List<String> writeParts(UnifiedJedis redis, byte[] bytes) {
        List<String> written = new ArrayList<>();
        byte[] pending = ShardKeys.bytes(keys.pending());
        for (int from = 0; from < bytes.length; from += PART_BYTES) {
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PART_BYTES));
            String name = keys.part(token, ++partNumber);
            Object ok = Scripts.WRITE_PART.run(redis, List.of(lease, pending, ShardKeys.bytes(name)),
                    List.of(tokenBytes, chunk));
            if (!Long.valueOf(1).equals(ok)) {
                return null;
            }
            written.add(name);
        }
        return written;
    }

    private Checkpointed commit(UnifiedJedis redis, long cut, CheckpointCodec.Segment segment, List<String> written) {
        takeLock.lock();
        try {
            return window.exclusively(() -> commitAlone(redis, cut, segment, written));
        } finally {
            takeLock.unlock();
        }
    }

    /** The commit itself: under takeLock, with no read in flight (it trims the tail the reads count from). */
    private Checkpointed commitAlone(UnifiedJedis redis, long cut, CheckpointCodec.Segment segment,
            List<String> written) {
        Pending pending = new Pending(cut, segment, written);
        List<byte[]> keyList = new ArrayList<>();
        keyList.add(list);
        keyList.add(lease);
        keyList.add(ShardKeys.bytes(keys.trimmed()));
        keyList.add(ShardKeys.bytes(keys.checkpoint()));
        keyList.add(ShardKeys.bytes(keys.pending()));
        written.forEach(name -> keyList.add(ShardKeys.bytes(name)));
        if (segment.isFull()) {
            parts.forEach(name -> keyList.add(ShardKeys.bytes(name)));
        }
        Object reply;
        unresolved = pending; // until the reply says otherwise
        reply = Scripts.COMMIT.run(redis, keyList, List.of(tokenBytes, number(cut), number(trimmed),
                number(segment.isFull() ? 1 : 0), number(written.size()), history));
        List<?> answer = (List<?>) reply;
        long code = (Long) answer.get(0);
        unresolved = null;
        if (code == 1) {
            committed(pending);
            return Checkpointed.COMMITTED;
        }
        if (code == 2 && (Long) answer.get(1) == trimmed + cut) {
            committed(pending); // an earlier attempt of this very commit landed
            return Checkpointed.COMMITTED;
        }
        segment.abandon();
        stale = code != 0; // the lease is ours, but the list is not where we left it
        lost(code == 0 ? "the lease was taken over" : FAILED_OVER);
        return Checkpointed.LOST;
    }

    /** {@link #resolve}, with no read in flight (a landed commit moved the tail they count from). */
    private void resolveAlone(UnifiedJedis redis) {
        if (unresolved != null) {
            window.exclusively(() -> resolve(redis));
        }
    }

    /**
     * Settles a commit whose reply was lost before the list is read again: the trimmed count says whether it
     * landed. Under takeLock; Redis errors propagate (and it stays unsettled).
     */
    private void resolve(UnifiedJedis redis) {
        Pending pending = unresolved;
        if (pending == null) {
            return;
        }
        byte[] value = redis.get(ShardKeys.bytes(keys.trimmed()));
        long now = value == null ? 0 : Long.parseLong(new String(value, java.nio.charset.StandardCharsets.US_ASCII));
        unresolved = null;
        if (now == trimmed + pending.cut && pending.cut > 0 || now == trimmed && pending.cut == 0
                && committedParts(redis, pending)) {
            committed(pending);
        } else if (now == trimmed) {
            pending.segment.abandon();
            needFull |= pending.segment.isFull();
        } else {
            pending.segment.abandon();
            stale = true;
            lost("its trimmed count is not what this gateway committed; it is reloaded from its checkpoint");
        }
    }

    /** For a commit that trimmed nothing: whether its parts made it into the part list. */
    private boolean committedParts(UnifiedJedis redis, Pending pending) {
        if (pending.written.isEmpty()) {
            return true;
        }
        List<byte[]> names = redis.lrange(ShardKeys.bytes(keys.checkpoint()), -1, -1);
        return !names.isEmpty() && new String(names.get(0), java.nio.charset.StandardCharsets.UTF_8)
                .equals(pending.written.get(pending.written.size() - 1));
    }

    /** Bookkeeping after a commit landed; under takeLock. */
    private void committed(Pending pending) {
        cursor -= pending.cut;
        cursorSnapshot = cursor;
        trimmed += pending.cut;
        long bytes = pending.segment.isEmpty() ? 0 : pending.segment.bytes().length;
        if (pending.segment.isFull()) {
            parts.clear();
            partsBytes = 0;
            fullBytes = bytes;
            needFull = false;
        }
        parts.addAll(pending.written);
        partsBytes += bytes;
        synchronized (commits) {
            commitCount++;
            commits.notifyAll();
        }
    }

    private record Pending(long cut, CheckpointCodec.Segment segment, List<String> written) {
    }

    // ---- closing ----

    /** Marks the shard lost (its lease is someone else's, or ran out); the coordinator then closes it. */
    void lost(String reason) {
        if (state == State.OPEN || state == State.OPENING) {
            lostReason = reason;
            state = State.CLOSING;
            Partition p = partition;
            if (p != null) {
                p.visibleUntil(nanos.getAsLong()); // stop exposing it now
            }
            wakeWaiters();
        }
    }

    /** True the first time it is asked: whoever gets true closes the shard. */
    boolean closeSubmitted() {
        return !closeSubmitted.compareAndSet(false, true);
    }

    /** Whether the shard was lost with its lease still ours, to hand back at once. */
    boolean isStale() {
        return stale;
    }

    /** Why the shard was lost, or {@code null} when it was not. */
    String lostReason() {
        return lostReason;
    }

    /** Stops new takes; returns once no batch of this shard is being applied. */
    void stopTaking() {
        takeLock.lock();
        try {
            if (state == State.OPEN || state == State.OPENING) {
                state = State.CLOSING;
            }
        } finally {
            takeLock.unlock();
        }
        applyLock.writeLock().lock();
        applyLock.writeLock().unlock();
        wakeWaiters();
    }

    /** Forgets the partition; the shard is closed. */
    int drop() {
        state = State.CLOSED;
        wakeWaiters();
        Partition p = partition;
        return p == null ? 0 : store.dropPartition(p);
    }

    private void wakeWaiters() {
        synchronized (commits) {
            commits.notifyAll();
        }
    }

    /** Why a shard whose Redis history changed under it is given back and reloaded. */
    private static final String FAILED_OVER = "Redis may have lost writes this gateway had seen (a failover or "
            + "restart: its trimmed count, its history or its length no longer fit what was read); it is reloaded "
            + "from what Redis holds";

    private static byte[] number(long n) {
        return ShardKeys.bytes(Long.toString(n));
    }

    @Override
    public String toString() {
        return "shard " + keys.shard() + " (" + keys.list() + ")";
    }
}
