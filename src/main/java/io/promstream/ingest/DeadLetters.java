package io.promstream.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Counter;
import io.promstream.parse.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pushes rejected payloads, wrapped in a JSON envelope, onto a capped Redis list (newest at the head, trimmed
 * to {@code maxLength}). Workers only hand over to a bounded buffer and never wait on Redis; a writer thread
 * sends the envelopes in pipelined batches. At most {@code maxLength} dead letters are kept per second: a
 * burst up to the list's size is kept whole, while a sustained flood (which would replace the whole list
 * many times a second anyway) keeps a rolling sample. What is not kept, by that limit, a full buffer or a
 * Redis failure, is counted as dropped; good input is never slowed by writing bad input out.
 */
public final class DeadLetters implements RejectionSink, Managed {
    /** Payload bytes kept in an envelope; longer payloads are cut and marked {@code "truncated": true}. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int BUFFER = 10_000;
    private static final int BATCH = 500;
    private static final JsonFactory JSON = new JsonFactory();

    private record Letter(RejectReason reason, String error, long timeMillis, String source, byte[] payload,
            int payloadBytes) {
    }

    private final JedisPool pool;
    private final byte[] key;
    private final int maxLength;
    private final InstantSource clock;
    private final RedisOutage outage;
    private final Counter.Child written;
    private final Counter.Child dropped;
    private final Counter.Child errors;
    private final BlockingQueue<Letter> buffer = new ArrayBlockingQueue<>(BUFFER);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong windowStartMillis = new AtomicLong();
    private final AtomicLong inWindow = new AtomicLong();
    private Thread writer;

    public DeadLetters(JedisPool pool, String key, int maxLength, InstantSource clock, RedisOutage outage,
            Counter.Child written, Counter.Child dropped, Counter.Child errors) {
        this.pool = pool;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.maxLength = maxLength;
        this.clock = clock;
        this.outage = outage;
        this.written = written;
        this.dropped = dropped;
        this.errors = errors;
    }

    @Override
    public void accept(RejectReason reason, String error, byte[] payload, int from, int to, String source) {
        if (!withinRate()) {
            dropped.inc();
            return;
        }
        int length = to - from;
        byte[] kept = new byte[Math.min(length, MAX_PAYLOAD_BYTES)];
        System.arraycopy(payload, from, kept, 0, kept.length);
        if (!buffer.offer(new Letter(reason, error, clock.millis(), source, kept, length))) {
            dropped.inc();
        }
    }

    /** At most {@code maxLength} per second; lock-free, approximate at window edges. */
    private boolean withinRate() {
        long now = clock.millis();
        long start = windowStartMillis.get();
        if (now - start >= 1000 && windowStartMillis.compareAndSet(start, now)) {
            inWindow.set(0);
        }
        return inWindow.incrementAndGet() <= maxLength;
    }

    @Override
    public void start() {
        running.set(true);
        writer = new Thread(this::writeLoop, "dead-letter-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running.set(false);
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void writeLoop() {
        Backoff backoff = new Backoff(100, 5_000);
        List<Letter> batch = new ArrayList<>(BATCH);
        while (running.get() || !buffer.isEmpty()) {
            try {
                Letter first = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, BATCH - 1);
                if (send(batch)) {
                    backoff.reset();
                } else if (running.get()) {
                    Thread.sleep(backoff.nextDelayMillis());
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean send(List<Letter> batch) {
        byte[][] envelopes = new byte[batch.size()][];
        for (int i = 0; i < envelopes.length; i++) {
            envelopes[i] = envelope(batch.get(i));
        }
        try (Jedis jedis = pool.getResource()) {
            Pipeline pipeline = jedis.pipelined();
            pipeline.lpush(key, envelopes);
            pipeline.ltrim(key, 0, maxLength - 1);
            pipeline.sync();
            written.inc(envelopes.length);
            return true;
        } catch (JedisException e) {
            errors.inc();
            dropped.inc(envelopes.length);
            outage.failed("dead-letter push", e);
            return false;
        }
    }

    /** {"reason","error","time","source","payloadBytes","truncated","payload"}; the payload as UTF-8 text. */
    static byte[] envelope(RejectReason reason, String error, long timeMillis, String source, byte[] payload,
            int payloadBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("reason", reason.label());
            json.writeStringField("error", error);
            json.writeStringField("time", Instant.ofEpochMilli(timeMillis).toString());
            json.writeStringField("source", source);
            json.writeNumberField("payloadBytes", payloadBytes);
            json.writeBooleanField("truncated", payload.length < payloadBytes);
            json.writeStringField("payload", new String(payload, StandardCharsets.UTF_8));
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen writing to memory", e);
        }
        return out.toByteArray();
    }

    private static byte[] envelope(Letter letter) {
        return envelope(letter.reason(), letter.error(), letter.timeMillis(), letter.source(), letter.payload(),
                letter.payloadBytes());
    }
}
