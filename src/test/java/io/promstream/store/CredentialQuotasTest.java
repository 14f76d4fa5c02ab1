package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A credential's quota: the series its pushes created and still hold; room comes back as they go. */
class CredentialQuotasTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(
            new StoreSettings(
                    100,
                    600_000,
                    5,
                    1000,
                    160,
                    NativeDefaults.NONE,
                    new StoreRules(FamilyRules.NONE, new CredentialQuotas(Map.of("user:a", 2)))),
            clock);

    private static Sample by(String credential, Sample sample) {
        sample.pushed(Sample.NO_TTL, credential);
        return sample;
    }

    private Refusal apply(Sample sample) {
        return store.apply(sample, 0, clock.millis(), store.partition(0));
    }

    @Test
    void aCredentialHoldsItsQuotaAndGetsRoomBackAsItsSeriesExpire() {
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "0")))).isNull();
        clock.advance(Duration.ofMinutes(5));
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "1")))).isNull();
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "2"))).reason())
                .isEqualTo(RejectReason.CREDENTIAL_SERIES_LIMIT);
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "0"))))
                .as("its own series")
                .isNull();
        assertThat(apply(by("user:b", counter("jobs", 1, "i", "3"))))
                .as("no quota")
                .isNull();
        assertThat(apply(counter("jobs", 1, "i", "4"))).as("no credential").isNull();
        assertThat(store.applyAll(List.of(by("user:a", counter("other", 1))), i -> 0, 0, store.partition(0))
                        .refusal()
                        .reason())
                .isEqualTo(RejectReason.CREDENTIAL_SERIES_LIMIT);

        clock.advance(Duration.ofMinutes(3));
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "0")))).isNull();
        clock.advance(Duration.ofMinutes(3)); // i=1 is 6 minutes idle, i=0 3 minutes
        store.expireIdle(new TtlRules(Duration.ofMinutes(6).toMillis(), List.of()));
        assertThat(store.settings().rules().credentials().held()).containsEntry("user:a", 1);
        assertThat(apply(by("user:a", counter("jobs", 1, "i", "2")))).isNull();
    }
}
