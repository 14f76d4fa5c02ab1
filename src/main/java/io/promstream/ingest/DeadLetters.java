package io.promstream.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Counter;
import io.promstream.ingest.reject.RejectionSink;
import io.promstream.parse.RejectReason;
import io.promstream.queue.Backoff;
import io.promstream.queue.RedisCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pushes rejected payloads, wrapped in a JSON envelope, onto a capped Redis list (newest at the head, trimmed
 * to {@code maxLength}). Workers only put letters into an in-memory ring holding the newest
 * {@code maxLength} (at most 10,000) and never wait on Redis; a writer thread sends what the ring holds every
 * 200 ms in pipelined batches. So the list always ends with the newest rejections, as a capped list should,
 * and a flood of bad input costs the writer at most a ring's worth of envelopes per flush instead of one per
 * rejection: good input is not slowed by writing bad input out. Letters overwritten in the ring before a
 * flush, or lost to a Redis failure, are counted as dropped.
 */
public final class DeadLetters implements RejectionSink, Managed {
    /** Payload bytes kept in an envelope; longer payloads are cut and marked {@code "truncated": true}. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

    static final int MAX_RING = 10_000;
    static final long FLUSH_MILLIS = 200;
    private static final int BATCH = 500;
    private static final JsonFactory JSON = new JsonFactory();

    private record Letter(
            RejectReason reason, String error, long timeMillis, String source, byte[] payload, int payloadBytes) {}

    private final UnifiedJedis redis;
    private final byte[] key;
    private final int maxLength;
    private final InstantSource clock;
    private final Counter.Child written;
    private final Counter.Child dropped;
    private final RedisCalls calls;
    private final Letter[] ring;
    private int head; // next slot to write; guarded by this
    private int count; // letters in the ring; guarded by this
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread writer;

    public DeadLetters(
            UnifiedJedis redis,
            String key,
            int maxLength,
            InstantSource clock,
            Counter.Child written,
            Counter.Child dropped,
            RedisCalls calls) {
        this.redis = redis;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.maxLength = maxLength;
        this.clock = clock;
        this.written = written;
        this.dropped = dropped;
        this.calls = calls;
        this.ring = new Letter[Math.min(maxLength, MAX_RING)];
    }

    @Override
    public void accept(RejectReason reason, String error, byte[] payload, int from, int to, String source) {
        int length = to - from;
        byte[] kept = new byte[Math.min(length, MAX_PAYLOAD_BYTES)];
        System.arraycopy(payload, from, kept, 0, kept.length);
        Letter letter = new Letter(reason, error, clock.millis(), source, kept, length);
        boolean overwrote;
        synchronized (this) {
            overwrote = count == ring.length;
            ring[head] = letter;
            head = (head + 1) % ring.length;
            count = Math.min(count + 1, ring.length);
        }
        if (overwrote) {
            dropped.inc();
        }
    }

    /** Takes every letter in the ring, oldest first. */
    private synchronized List<Letter> takeAll() {
        List<Letter> letters = new ArrayList<>(count);
        int first = (head - count + ring.length) % ring.length;
        for (int i = 0; i < count; i++) {
            int slot = (first + i) % ring.length;
            letters.add(ring[slot]);
            ring[slot] = null;
        }
        count = 0;
        return letters;
    }

    @Override
    public void start() {
        writer = new Thread(this::writeLoop, "dead-letter-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() throws InterruptedException {
        stopped.countDown();
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void writeLoop() {
        Backoff backoff = new Backoff(FLUSH_MILLIS, 5_000);
        long pause = FLUSH_MILLIS;
        while (true) {
            try {
                boolean stopping = stopped.await(pause, TimeUnit.MILLISECONDS);
                List<Letter> letters = takeAll();
                boolean ok = true;
                for (int i = 0; i < letters.size() && ok; i += BATCH) {
                    List<Letter> batch = letters.subList(i, Math.min(letters.size(), i + BATCH));
                    ok = send(batch);
                    if (!ok) {
                        dropped.inc(letters.size() - i - batch.size()); // the failed batch was counted in send
                    }
                }
                if (stopping) {
                    return;
                }
                pause = ok ? FLUSH_MILLIS : backoff.nextDelayMillis();
                if (ok) {
                    backoff.reset();
                }
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
        long mark = calls.start();
        try {
            redis.lpush(key, envelopes);
            redis.ltrim(key, 0, maxLength - 1);
            written.inc(envelopes.length);
            calls.answered(mark);
            return true;
        } catch (JedisException e) {
            dropped.inc(envelopes.length);
            calls.failed(e);
            return false;
        }
    }

    /** {"reason","error","time","source","payloadBytes","truncated","payload"}; the payload as UTF-8 text. */
    static byte[] envelope(
            RejectReason reason, String error, long timeMillis, String source, byte[] payload, int payloadBytes) {
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
        return envelope(
                letter.reason(),
                letter.error(),
                letter.timeMillis(),
                letter.source(),
                letter.payload(),
                letter.payloadBytes());
    }
}
