package io.promstream.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The console's last hour, a minute a point, on a manual clock. */
class ActivityHistoryTest {
    private final ManualClock clock = new ManualClock(0);
    private final AtomicReference<ActivityHistory.Reading> totals =
            new AtomicReference<>(new ActivityHistory.Reading(0, new long[] {0, 0}, 0));
    private final ActivityHistory history = new ActivityHistory(clock, totals::get);

    private void totals(long processed, long first, long second, long backlog) {
        totals.set(new ActivityHistory.Reading(processed, new long[] {first, second}, backlog));
    }

    @Test
    void eachMinuteCountsWhatHappenedInIt() {
        history.record();
        totals(100, 1, 0, 7);
        clock.advance(Duration.ofSeconds(30));
        history.record();
        clock.advance(Duration.ofSeconds(40)); // the next minute
        totals(160, 1, 4, 3);
        history.record();

        List<ActivityHistory.Minute> minutes = history.minutes();
        assertThat(minutes).hasSize(2);
        assertThat(minutes.get(0).startMillis()).isZero();
        assertThat(minutes.get(0).processed()).isEqualTo(100);
        assertThat(minutes.get(0).rejected()).containsExactly(1, 0);
        assertThat(minutes.get(0).backlog()).isEqualTo(7);
        assertThat(minutes.get(1).startMillis()).isEqualTo(60_000);
        assertThat(minutes.get(1).processed()).isEqualTo(60);
        assertThat(minutes.get(1).rejected()).containsExactly(0, 4);
        assertThat(minutes.get(1).backlog()).isEqualTo(3);
    }

    @Test
    void itKeepsAnHourAndSurvivesAFailingSource() {
        for (int i = 0; i < 90; i++) {
            totals(i * 10L, 0, 0, i);
            history.record();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(history.minutes()).hasSize(ActivityHistory.MINUTES);
        assertThat(history.minutes().get(0).startMillis()).isEqualTo(30 * 60_000L);
        assertThat(history.minutes()).allSatisfy(m -> assertThat(m.processed()).isIn(0L, 10L));

        ActivityHistory failing = new ActivityHistory(clock, () -> {
            throw new IllegalStateException("no totals");
        });
        failing.record();
        assertThat(failing.minutes()).isEmpty();
    }
}
