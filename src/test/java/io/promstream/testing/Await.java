package io.promstream.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; never a fixed sleep. */
public final class Await {
    private Await() {}

    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + ": " + failure.get());
            }
            // a poll interval between checks, not a wait for an outcome
            LockSupport.parkNanos(pauseMillis * 1_000_000L);
            pauseMillis = Math.min(50, pauseMillis * 2);
        }
    }

    public static void until(Duration timeout, BooleanSupplier condition, String failure) {
        until(timeout, condition, () -> failure);
    }
}
