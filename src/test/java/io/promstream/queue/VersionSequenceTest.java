package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionSequenceTest {
    private final VersionSequence sequence = new VersionSequence();

    @Test
    void numbersBatchesInTheOrderTheyBegin() {
        long first = sequence.begin();
        long second = sequence.begin();
        assertThat(second).isEqualTo(first + 1);
        assertThat(Versions.of(second, 0)).isGreaterThan(Versions.of(first, Versions.MAX_BATCH - 1));
    }

    @Test
    void theWatermarkStaysBelowTheOldestBatchStillBeingApplied() {
        long a = sequence.begin();
        long b = sequence.begin();
        long c = sequence.begin();
        assertThat(sequence.appliedWatermark()).isEqualTo(Versions.first(a));
        sequence.end(b); // a later batch finishing first does not move the watermark past a
        assertThat(sequence.appliedWatermark()).isEqualTo(Versions.first(a));
        sequence.end(a);
        assertThat(sequence.appliedWatermark()).isEqualTo(Versions.first(c));
        sequence.end(c);
        assertThat(sequence.appliedWatermark())
                .as("nothing in flight: everything taken is applied")
                .isEqualTo(Versions.first(c + 1));
    }

    @Test
    void manyBatchesInFlightAtOnce() {
        long[] batches = new long[100];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = sequence.begin();
        }
        for (int i = batches.length - 1; i > 0; i--) {
            sequence.end(batches[i]);
        }
        assertThat(sequence.appliedWatermark()).isEqualTo(Versions.first(batches[0]));
        sequence.end(batches[0]);
        assertThat(sequence.appliedWatermark()).isEqualTo(Versions.first(batches[99] + 1));
    }

    @Test
    void versionsOfOneBatchFollowItsIndexesUpToTheLast() {
        assertThat(Versions.of(3, 0)).isEqualTo(Versions.first(3));
        assertThat(Versions.of(3, 7)).isEqualTo(Versions.first(3) + 7);
        assertThat(Versions.of(3, Versions.MAX_BATCH + 5)).isEqualTo(Versions.of(3, Versions.MAX_BATCH - 1));
    }
}
