package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @RepeatedTest(20)
    void doublesFromTheMinimumUpToTheMaximumWithinTwentyPercent() {
        Backoff backoff = new Backoff(100, 1_000);
        long[] bases = {100, 200, 400, 800, 1_000, 1_000};
        for (long base : bases) {
            assertThat(backoff.nextDelayMillis()).isBetween(base - base / 5, base + base / 5);
        }
    }

    @Test
    void resetStartsOverFromTheMinimum() {
        Backoff backoff = new Backoff(50, 5_000);
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayMillis();
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(40L, 60L);
    }

    @Test
    void degenerateBoundsStayPositiveAndOrdered() {
        Backoff backoff = new Backoff(0, -5);
        assertThat(backoff.nextDelayMillis()).isEqualTo(1);
        assertThat(backoff.nextDelayMillis()).isEqualTo(1);
    }
}
