package io.promstream.ingest.push;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets the HTTP thread that queued a push wait for this gateway's workers to apply it, so that the reply can say
 * what became of it (and a scrape right after it sees it). Workers report every queued push they apply; only
 * those a thread here waits for are kept.
 */
public final class PushTracker {
    private final ConcurrentHashMap<String, Waiter> waiting = new ConcurrentHashMap<>();

    /** A push being waited for, in {@code parts} queued copies (one per shard it was split over). */
    public final class Waiter implements AutoCloseable {
        private final String id;
        private final CountDownLatch left;
        private final List<HttpIngestor.Outcome> outcomes = new ArrayList<>();

        private Waiter(String id, int parts) {
            this.id = id;
            this.left = new CountDownLatch(parts);
        }

        /** The outcomes of every part, or {@code null} when they were not all applied in time. */
        public List<HttpIngestor.Outcome> await(long timeoutMillis) throws InterruptedException {
            if (!left.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return null;
            }
            synchronized (outcomes) {
                return List.copyOf(outcomes);
            }
        }

        private void applied(HttpIngestor.Outcome outcome) {
            synchronized (outcomes) {
                outcomes.add(outcome);
            }
            left.countDown();
        }

        @Override
        public void close() {
            waiting.remove(id, this);
        }
    }

    /** Starts waiting for push {@code id}; register before queuing it, close when done. */
    public Waiter expect(String id, int parts) {
        Waiter waiter = new Waiter(id, parts);
        waiting.put(id, waiter);
        return waiter;
    }

    /** A worker applied one part of push {@code id}. */
    void applied(String id, HttpIngestor.Outcome outcome) {
        Waiter waiter = waiting.get(id);
        if (waiter != null) {
            waiter.applied(outcome);
        }
    }
}
