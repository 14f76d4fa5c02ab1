package io.promstream.queue;

import java.util.concurrent.TimeUnit;

/** The time a retry loop reads and the pause between its tries: the system's, or a simulation's. */
public interface Ticker {
    /** Now, on {@link System#nanoTime()}'s scale. */
    long nanos();

    /** Waits {@code millis}. */
    void sleep(long millis) throws InterruptedException;

    /** The system's clock and {@link Thread#sleep}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
    };
}
