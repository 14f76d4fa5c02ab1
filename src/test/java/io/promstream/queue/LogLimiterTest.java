package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
    private final ManualClock clock = new ManualClock();
    private final LogLimiter limiter = new LogLimiter(clock, 3, 10_000);

    @Test
    void letsThroughUpToTheLimitPerIntervalAndCountsTheRest() {
        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isEqualTo(-1);
        assertThat(limiter.tryAcquire()).isEqualTo(-1);
        clock.advance(Duration.ofMillis(9_999));
        assertThat(limiter.tryAcquire()).as("still the same interval").isEqualTo(-1);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire())
                .as("the first line of the next interval says how many were dropped")
                .isEqualTo(3);
        assertThat(limiter.tryAcquire()).isZero();
    }

    @Test
    void aLimitOfZeroLogsNothing() {
        LogLimiter silent = new LogLimiter(clock, 0, 1_000);
        for (int i = 0; i < 5; i++) {
            assertThat(silent.tryAcquire()).isEqualTo(-1);
        }
    }
}
