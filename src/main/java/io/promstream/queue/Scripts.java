package io.promstream.queue;

/**
 * The Lua scripts of the sharded queue (docs/semantics.md, Shards and checkpoints). Every script that reads or
 * changes a shard first checks, on the server, that the caller holds the shard's lease: a gateway that stalled
 * past its lease can neither take nor trim nor write a checkpoint before it acquires the shard again. Each touches
 * only keys of one shard's hash tag, so it runs on one cluster slot.
 */
final class Scripts {
    private Scripts() {}

    /**
     * The replication id of the node that runs a script: it changes whenever another history takes over the
     * shard's slot (a replica promoted in a failover, a restart), which is how a gateway tells that Redis may have
     * lost writes it had seen, even when the lease and the trimmed count came through (docs/semantics.md, Shards
     * and checkpoints). Prepended to the scripts that use it as {@code history()}.
     */
    private static final String HISTORY = """
            local function history()
              return string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
            end
            """;

    /**
     * Takes lease KEYS[1] for token ARGV[1] for ARGV[2] ms when it is free; renews it when the token holds it
     * already (a retried acquire). {1, history, wait} when held, {0} when another holds it. When the history is
     * not the one noted (KEYS[2]) when the lease was last taken and the shard holds anything (list KEYS[3], trimmed
     * count KEYS[4], checkpoint KEYS[5]), a failover since then may have taken back a renewal, so a holder from
     * before it may think the lease its own for up to a lease: KEYS[6] is set for one lease, and {@code wait} is
     * what is left of it, the ms before the new holder may expose the shard. Notes the history.
     */
    static final RedisScript ACQUIRE = new RedisScript(HISTORY + """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then
              return {0}
            end
            local current = history()
            local noted = redis.call('GET', KEYS[2])
            if noted ~= current then
              if noted or redis.call('LLEN', KEYS[3]) > 0 or redis.call('EXISTS', KEYS[4]) == 1
                  or redis.call('LLEN', KEYS[5]) > 0 then
                redis.call('SET', KEYS[6], '1', 'PX', ARGV[2])
              end
              redis.call('SET', KEYS[2], current)
            end
            if holder then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            end
            return {1, current, math.max(0, redis.call('PTTL', KEYS[6]))}
            """);

    /**
     * Extends lease KEYS[1] by ARGV[2] ms if token ARGV[1] still holds it, on history ARGV[3]: 1; 0 when the lease
     * is not the caller's; -1 when it is, but on another history (a failover or restart since it was acquired).
     */
    static final RedisScript RENEW = new RedisScript(HISTORY + """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            if history() ~= ARGV[3] then
              return -1
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /** Deletes lease KEYS[1] if token ARGV[1] holds it: 1, else 0. */
    static final RedisScript RELEASE = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    /**
     * The fence of a take: the length of list KEYS[1] when token ARGV[1] holds lease KEYS[2] on history ARGV[3] and
     * the shard's trimmed count KEYS[3] is still ARGV[2]; -2 when the lease is not the caller's; -1 when the
     * trimmed count is not what the caller committed, or the node's history is not the one the lease was acquired
     * on (Redis may have lost writes, as a failover can: the cursor no longer fits the list). The take sends it
     * and, in the same round trip on the same connection, the {@code LRANGE} that reads past the cursor
     * ({@link Shard#take}); the elements are used only when this says the lease is the caller's. Read-only, so a
     * reply lost to a timeout costs nothing but the retry. (One script that returned the elements too would be
     * atomic as well, but Lua copying every element costs Redis about 60% more than the read itself.)
     */
    static final RedisScript TAKE_FENCE = new RedisScript(HISTORY + """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then
              return -2
            end
            if tonumber(redis.call('GET', KEYS[3]) or '0') ~= tonumber(ARGV[2]) or history() ~= ARGV[3] then
              return -1
            end
            return redis.call('LLEN', KEYS[1])
            """);

    /**
     * Writes checkpoint part KEYS[3] = ARGV[2] and records it in pending set KEYS[2], if token ARGV[1] holds lease
     * KEYS[1]: 1, else 0.
     */
    static final RedisScript WRITE_PART = new RedisScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[3], ARGV[2])
            redis.call('SADD', KEYS[2], KEYS[3])
            return 1
            """);

    /**
     * Commits a checkpoint, if token ARGV[1] holds lease KEYS[2] on history ARGV[6] and the shard's trimmed count
     * KEYS[3] is still ARGV[3]: trims the ARGV[2] elements the checkpoint covers off the tail of list KEYS[1], adds
     * them to the trimmed count, and appends the ARGV[5] new parts KEYS[6..] to part list KEYS[4] (taking them out
     * of pending set KEYS[5]); a full checkpoint (ARGV[4] = 1) first deletes the old parts KEYS[6 + ARGV[5]..] and
     * the list. {1, trimmed} when committed; {2, trimmed} when the count was not ARGV[3] (a retried commit that
     * landed already, or the shard moved); {3} when the history is another or the list holds fewer than ARGV[2]
     * elements (Redis lost writes, or something else removed elements); {0} when the lease is not the caller's.
     */
    static final RedisScript COMMIT = new RedisScript(HISTORY + """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then
              return {0}
            end
            if history() ~= ARGV[6] then
              return {3}
            end
            local trimmed = tonumber(redis.call('GET', KEYS[3]) or '0')
            if trimmed ~= tonumber(ARGV[3]) then
              return {2, trimmed}
            end
            local cut = tonumber(ARGV[2])
            if cut > 0 then
              if redis.call('LLEN', KEYS[1]) < cut then
                return {3}
              end
              redis.call('LTRIM', KEYS[1], 0, -(cut + 1))
              trimmed = trimmed + cut
              redis.call('SET', KEYS[3], trimmed)
            end
            local added = tonumber(ARGV[5])
            if ARGV[4] == '1' then
              redis.call('DEL', KEYS[4])
              for i = 6 + added, #KEYS do
                redis.call('DEL', KEYS[i])
              end
            end
            for i = 6, 5 + added do
              redis.call('RPUSH', KEYS[4], KEYS[i])
              redis.call('SREM', KEYS[5], KEYS[i])
            end
            return {1, trimmed}
            """);

    /**
     * Deletes parts KEYS[3..] (written but never committed) and empties pending set KEYS[2], if token ARGV[1]
     * holds lease KEYS[1]: 1, else 0.
     */
    static final RedisScript CLEAN_PENDING = new RedisScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            for i = 3, #KEYS do
              redis.call('DEL', KEYS[i])
            end
            redis.call('DEL', KEYS[2])
            return 1
            """);

    /**
     * Pushes element ARGV[2] onto list KEYS[1] once: marker KEYS[2] (kept ARGV[1] ms) makes a retried push a
     * no-op. 1 when pushed now, 0 when it had been.
     */
    static final RedisScript PUSH_ONCE = new RedisScript("""
            if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
              redis.call('LPUSH', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """);

    /**
     * Stages copy ARGV[2] of a push split over several shards as member ARGV[1] of hash KEYS[1], noting the server's
     * time in sorted set KEYS[2]; it reaches list KEYS[3] only through {@link #PUBLISH}, once the push is decided.
     * Staging again is harmless. Returns 1.
     */
    static final RedisScript STAGE = new RedisScript("""
            local time = redis.call('TIME')
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[2], tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), ARGV[1])
            return 1
            """);

    /**
     * Decides a push split over shards, once: decision KEYS[1] becomes ARGV[1] ({@code commit} or {@code abort},
     * kept ARGV[2] ms) unless it was decided already. Returns the decision in force.
     */
    static final RedisScript DECIDE = new RedisScript("""
            redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
            return redis.call('GET', KEYS[1])
            """);

    /**
     * Moves staged copy ARGV[1] from hash KEYS[1] (and sorted set KEYS[2]) onto the head of list KEYS[3]: 1, or 0
     * when it is not staged (published or discarded already).
     */
    static final RedisScript PUBLISH = new RedisScript("""
            local copy = redis.call('HGET', KEYS[1], ARGV[1])
            if not copy then
              return 0
            end
            redis.call('LPUSH', KEYS[3], copy)
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """);

    /** Drops staged copy ARGV[1] from hash KEYS[1] and sorted set KEYS[2] (its push was not stored). Returns 1. */
    static final RedisScript DISCARD = new RedisScript("""
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """);

    /** At most ARGV[2] members of sorted set KEYS[1] staged more than ARGV[1] ms ago by the server's clock. */
    static final RedisScript STAGED_BEFORE = new RedisScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
            """);

    /**
     * Heartbeat of gateway ARGV[1] in sorted set KEYS[1], scored by the server's clock in ms; forgets gateways
     * silent for 3 × ARGV[2] ms and returns those heard within ARGV[2] ms.
     */
    static final RedisScript HEARTBEAT = new RedisScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local window = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3 * window)
            return redis.call('ZRANGEBYSCORE', KEYS[1], now - window, '+inf')
            """);
}
