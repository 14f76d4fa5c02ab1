package io.promstream.ingest.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A push that could not be stored in Redis gets 503 and nothing is promised: the sender retries. (The outage is
 * logged once by whoever noticed it first.)
 */
public final class RedisUnavailableMapper implements ExceptionMapper<JedisException> {
    @Override
    public Response toResponse(JedisException e) {
        return Response.status(503)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity("Redis is unavailable, the push was not stored; retry later\n")
                .build();
    }
}
