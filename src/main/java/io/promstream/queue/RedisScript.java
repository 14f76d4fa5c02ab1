package io.promstream.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** A Lua script run by its SHA-1 ({@code EVALSHA}), sent whole ({@code EVAL}) when the server does not know it. */
final class RedisScript {
    private final byte[] body;
    private final byte[] sha;

    RedisScript(String body) {
        this.body = body.getBytes(StandardCharsets.UTF_8);
        try {
            this.sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(this.body))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /**
     * Queues the script on a pipeline: by its SHA-1 (its reply throws {@link JedisNoScriptException} when the server
     * does not know it), or whole ({@code EVAL}, which also teaches it to the server; no {@code SCRIPT LOAD}, which
     * a least-privilege ACL user may lack).
     */
    Response<Object> queue(AbstractPipeline pipeline, List<byte[]> keys, List<byte[]> args, boolean whole) {
        return whole ? pipeline.eval(body, keys, args) : pipeline.evalsha(sha, keys, args);
    }

    Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(body, keys, args);
        }
    }
}
