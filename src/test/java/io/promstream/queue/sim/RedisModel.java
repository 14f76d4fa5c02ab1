package io.promstream.queue.sim;

import io.promstream.queue.PushRedis;
import io.promstream.queue.ShardRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An in-process model of the Redis keys of the sharded queue, one node per shard, keeping the rules of the Lua
 * scripts in {@code Scripts} (checked against a real redis-server by {@link RedisModelDifferentialTest}), with a
 * replica per node that the simulation syncs when it likes, so a failover can lose the last writes: the node is
 * replaced by its replica's copy, on a new replication history. Lease expiry follows {@code clockMillis}.
 * Single-threaded.
 */
public final class RedisModel {
    /** The state of one node: the keys of one shard. */
    static final class Node {
        byte[] history;
        /** The history noted when the lease was last taken. */
        byte[] noted;
        /** Until when (ms) a new holder waits before exposing the shard. */
        long exposeAfter;
        /** Head (newest, where senders push) first. */
        List<byte[]> list = new ArrayList<>();

        String lease;
        long leaseExpiry;
        long trimmed;
        List<String> checkpoint = new ArrayList<>();
        Set<String> pending = new LinkedHashSet<>();
        Map<String, byte[]> parts = new HashMap<>();
        /** Push markers and decisions (plain keys with an expiry), staged copies and when they were staged. */
        Map<String, Expiring> values = new HashMap<>();

        Map<String, byte[]> staged = new HashMap<>();
        Map<String, Long> stagedAt = new HashMap<>();

        Node copy() {
            Node n = new Node();
            n.history = history;
            n.noted = noted;
            n.exposeAfter = exposeAfter;
            n.list = new ArrayList<>(list);
            n.lease = lease;
            n.leaseExpiry = leaseExpiry;
            n.trimmed = trimmed;
            n.checkpoint = new ArrayList<>(checkpoint);
            n.pending = new LinkedHashSet<>(pending);
            n.parts = new HashMap<>(parts);
            n.values = new HashMap<>(values);
            n.staged = new HashMap<>(staged);
            n.stagedAt = new HashMap<>(stagedAt);
            return n;
        }
    }

    /** A string value and when it expires (ms). */
    record Expiring(String value, long expiresAt) {}

    private final LongSupplier clockMillis;
    private Consumer<byte[]> onListPush = element -> {};
    private final Node[] nodes;
    private final Node[] replicas;
    private int histories;

    public RedisModel(int shards, LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.nodes = new Node[shards];
        this.replicas = new Node[shards];
        for (int i = 0; i < shards; i++) {
            nodes[i] = new Node();
            nodes[i].history = newHistory();
            replicas[i] = nodes[i].copy();
        }
    }

    private byte[] newHistory() {
        return ("history-" + (++histories)).getBytes(StandardCharsets.US_ASCII);
    }

    /** A sender's {@code LPUSH}. */
    public void lpush(int shard, byte[] element) {
        nodes[shard].list.add(0, element);
        onListPush.accept(element);
    }

    /** Told of every element pushed onto a list, by a sender or a script, when it is pushed. */
    public void onListPush(Consumer<byte[]> listener) {
        this.onListPush = listener;
    }

    /** The push writer's keys on every shard, as the scripts keep them. */
    public PushRedis pushes() {
        return new Pushes();
    }

    /** The staged copies on the shard (members). */
    public Set<String> staged(int shard) {
        return new TreeSet<>(nodes[shard].staged.keySet());
    }

    /** The replica of the shard's node catches up with it. */
    public void sync(int shard) {
        replicas[shard] = nodes[shard].copy();
    }

    /**
     * The shard's node fails over to its replica: every write since the last {@link #sync} is lost, and the node
     * starts a new replication history.
     */
    public void failover(int shard) {
        nodes[shard] = replicas[shard].copy();
        nodes[shard].history = newHistory();
        replicas[shard] = nodes[shard].copy();
    }

    /** The elements on the shard's list, oldest first. */
    public List<byte[]> elements(int shard) {
        List<byte[]> out = new ArrayList<>(nodes[shard].list);
        Collections.reverse(out);
        return out;
    }

    public long trimmedCount(int shard) {
        return nodes[shard].trimmed;
    }

    /** The shard's keys as a gateway sees them. */
    public ShardRedis shard(int shard) {
        return new View(shard);
    }

    /** {@link ShardRedis} over one node, as the scripts do it. */
    private final class View implements ShardRedis {
        private final int shard;

        View(int shard) {
            this.shard = shard;
        }

        private Node node() {
            return nodes[shard];
        }

        private String holder() {
            Node n = node();
            if (n.lease != null && n.leaseExpiry <= clockMillis.getAsLong()) {
                n.lease = null;
            }
            return n.lease;
        }

        private boolean holds(byte[] token) {
            return text(token).equals(holder());
        }

        @Override
        public Acquired acquire(byte[] token, long ttlMillis) {
            String holder = holder();
            if (holder != null && !holder.equals(text(token))) {
                return new Acquired(false, null, 0);
            }
            Node n = node();
            long now = clockMillis.getAsLong();
            if (!Arrays.equals(n.noted, n.history)) {
                if (n.noted != null || !n.list.isEmpty() || n.trimmed > 0 || !n.checkpoint.isEmpty()) {
                    n.exposeAfter = now + ttlMillis;
                }
                n.noted = n.history;
            }
            n.lease = text(token);
            n.leaseExpiry = now + ttlMillis;
            return new Acquired(true, n.history.clone(), Math.max(0, n.exposeAfter - now));
        }

        @Override
        public Renewal renew(byte[] token, long ttlMillis, byte[] history) {
            if (!holds(token)) {
                return Renewal.LOST;
            }
            if (!Arrays.equals(history, node().history)) {
                return Renewal.MOVED;
            }
            node().leaseExpiry = clockMillis.getAsLong() + ttlMillis;
            return Renewal.RENEWED;
        }

        @Override
        public void release(byte[] token) {
            if (holds(token)) {
                node().lease = null;
            }
        }

        @Override
        public Fenced read(byte[] token, long trimmed, byte[] history, long fromTail, int count) {
            long length;
            if (!holds(token)) {
                length = LEASE_LOST;
            } else if (node().trimmed != trimmed || !Arrays.equals(history, node().history)) {
                length = MOVED;
            } else {
                length = node().list.size();
            }
            return new Fenced(length, range(fromTail, count)); // the LRANGE runs whatever the fence said
        }

        /** {@code LRANGE list -(from + count) -(from + 1)}: newest first. */
        private List<byte[]> range(long from, int count) {
            List<byte[]> list = node().list;
            long size = list.size();
            long start = Math.max(0, size - (from + count));
            long end = size - (from + 1);
            if (end < 0 || start > end) {
                return new ArrayList<>();
            }
            return new ArrayList<>(list.subList((int) start, (int) end + 1));
        }

        @Override
        public boolean writePart(byte[] token, String name, byte[] bytes) {
            if (!holds(token)) {
                return false;
            }
            node().parts.put(name, bytes.clone());
            node().pending.add(name);
            return true;
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
            Node n = node();
            if (!holds(token)) {
                return new Committed(Committed.LEASE_LOST, -1);
            }
            if (!Arrays.equals(history, n.history)) {
                return new Committed(Committed.GONE, -1);
            }
            if (n.trimmed != trimmed) {
                return new Committed(Committed.TRIMMED_ELSEWHERE, n.trimmed);
            }
            if (cut > 0) {
                if (n.list.size() < cut) {
                    return new Committed(Committed.GONE, -1);
                }
                n.list.subList(n.list.size() - (int) cut, n.list.size()).clear();
                n.trimmed += cut;
            }
            if (full) {
                n.checkpoint.clear();
                replaced.forEach(n.parts::remove);
            }
            for (String name : written) {
                n.checkpoint.add(name);
                n.pending.remove(name);
            }
            return new Committed(Committed.DONE, n.trimmed);
        }

        @Override
        public long trimmed() {
            return node().trimmed;
        }

        @Override
        public List<String> committedParts() {
            return new ArrayList<>(node().checkpoint);
        }

        @Override
        public List<byte[]> partBytes(List<String> names) {
            List<byte[]> out = new ArrayList<>();
            for (String name : names) {
                byte[] value = node().parts.get(name);
                out.add(value == null ? null : value.clone());
            }
            return out;
        }

        @Override
        public Set<String> pendingParts() {
            return new LinkedHashSet<>(node().pending);
        }

        @Override
        public void cleanPending(byte[] token, List<String> uncommitted) {
            if (!holds(token)) {
                return;
            }
            uncommitted.forEach(node().parts::remove);
            node().pending.clear();
        }

        @Override
        public long length() {
            return node().list.size();
        }

        @Override
        public void awaitElements(double seconds) {
            // the simulation schedules waiting itself
        }
    }

    /** {@link PushRedis} over the nodes, as the scripts do it; every key of a shard lives on its node. */
    private final class Pushes implements PushRedis {
        /** {@code SET key value NX PX ttl}; the value in force after it. */
        private String setIfAbsent(Node n, String key, String value, long ttlMillis) {
            long now = clockMillis.getAsLong();
            Expiring current = n.values.get(key);
            if (current == null || current.expiresAt() <= now) {
                n.values.put(key, new Expiring(value, now + ttlMillis));
                return value;
            }
            return current.value();
        }

        @Override
        public boolean pushOnce(int shard, String id, long markerTtlMillis, byte[] element) {
            Node n = nodes[shard];
            String marker = "marker:" + id;
            Expiring current = n.values.get(marker);
            if (current != null && current.expiresAt() > clockMillis.getAsLong()) {
                return false;
            }
            setIfAbsent(n, marker, "1", markerTtlMillis);
            lpush(shard, element);
            return true;
        }

        @Override
        public boolean landedOnce(int shard, String id, long markerTtlMillis) {
            return "1".equals(setIfAbsent(nodes[shard], "marker:" + id, "abort", markerTtlMillis));
        }

        @Override
        public void stage(int shard, String member, byte[] copy) {
            nodes[shard].staged.put(member, copy.clone());
            nodes[shard].stagedAt.put(member, clockMillis.getAsLong());
        }

        @Override
        public String decide(int decider, String id, String decision, long ttlMillis) {
            return setIfAbsent(nodes[decider], "decision:" + id, decision, ttlMillis);
        }

        @Override
        public boolean publish(int shard, String member) {
            Node n = nodes[shard];
            byte[] copy = n.staged.remove(member);
            if (copy == null) {
                return false;
            }
            n.stagedAt.remove(member);
            lpush(shard, copy);
            return true;
        }

        @Override
        public void discard(int shard, String member) {
            nodes[shard].staged.remove(member);
            nodes[shard].stagedAt.remove(member);
        }

        @Override
        public List<String> stagedBefore(int shard, long ageMillis, int max) {
            long until = clockMillis.getAsLong() - ageMillis;
            return nodes[shard].stagedAt.entrySet().stream()
                    .filter(e -> e.getValue() <= until)
                    .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .limit(max)
                    .map(Map.Entry::getKey)
                    .toList();
        }

        @Override
        public void forget(int decider, String id) {
            nodes[decider].values.remove("decision:" + id);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
