package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Reader} alone: reads overlap, settle in list order, and a short or failed read voids those after it. */
class ReaderTest {
    /** A fenced answer over a list of {@code length} elements named by their absolute position. */
    private static ShardRedis.Fenced answer(Reader.Read read, long length, int count) {
        List<byte[]> items = new ArrayList<>();
        long from = read.fromTail();
        for (long p = Math.min(length, from + count) - 1; p >= from; p--) { // newest first
            items.add(Long.toString(read.trimmed() + p).getBytes(StandardCharsets.UTF_8));
        }
        return new ShardRedis.Fenced(length, items);
    }

    private static List<String> names(Reader.Settled settled) {
        return settled.items().stream()
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void overlappingReadsReserveConsecutiveRangesAndSettleInListOrder() {
        Reader reader = new Reader(3, 10);
        Reader.Read first = reader.reserve();
        Reader.Read second = reader.reserve();
        assertThat(first.start()).isEqualTo(10);
        assertThat(second.start()).isEqualTo(13);
        assertThat(first.first()).isTrue();
        assertThat(second.first()).isFalse();

        reader.returned(second, true);
        assertThat(reader.waiting(second))
                .as("the read before it is not settled")
                .isTrue();
        reader.returned(first, true);
        assertThat(reader.waiting(first)).isFalse();
        assertThat(names(reader.settle(first, answer(first, 20, 3)))).containsExactly("10", "11", "12");
        assertThat(reader.waiting(second)).isFalse();
        assertThat(names(reader.settle(second, answer(second, 20, 3)))).containsExactly("13", "14", "15");
        assertThat(reader.cursor()).isEqualTo(6);
    }

    @Test
    void aShortReadVoidsTheReadsReservedAfterIt() {
        Reader reader = new Reader(3, 0);
        Reader.Read first = reader.reserve();
        Reader.Read second = reader.reserve();
        reader.returned(first, true);
        reader.returned(second, true);
        Reader.Settled settled = reader.settle(first, answer(first, 2, 3));
        assertThat(names(settled)).containsExactly("0", "1");
        assertThat(reader.waiting(second)).as("void: no turn to wait for").isFalse();
        assertThat(reader.settle(second, answer(second, 5, 3)).kind()).isEqualTo(Reader.Kind.AGAIN);
        Reader.Read again = reader.reserve();
        assertThat(again.start()).as("read again from the settled end").isEqualTo(2);
        assertThat(again.first()).isTrue();
    }

    @Test
    void aFailedReadVoidsTheReadsAfterItAndNothingIsHandedOutTwice() {
        Reader reader = new Reader(2, 0);
        Reader.Read first = reader.reserve();
        Reader.Read second = reader.reserve();
        reader.returned(first, false); // a timeout
        reader.returned(second, true);
        assertThat(reader.settle(second, answer(second, 10, 2)).kind()).isEqualTo(Reader.Kind.AGAIN);
        Reader.Read again = reader.reserve();
        reader.returned(again, true);
        assertThat(names(reader.settle(again, answer(again, 10, 2)))).containsExactly("0", "1");
    }

    @Test
    void aReadReservedAheadThatFindsNothingReadsAgainButTheFirstIsEmpty() {
        Reader reader = new Reader(2, 0);
        Reader.Read first = reader.reserve();
        Reader.Read ahead = reader.reserve();
        reader.returned(first, true);
        reader.returned(ahead, true);
        assertThat(reader.settle(first, answer(first, 2, 2)).kind()).isEqualTo(Reader.Kind.BATCH);
        // it reached Redis before elements 2-3 were pushed: short, not wrong
        assertThat(reader.settle(ahead, new ShardRedis.Fenced(2, List.of())).kind())
                .isEqualTo(Reader.Kind.AGAIN);
        Reader.Read next = reader.reserve();
        reader.returned(next, true);
        assertThat(reader.settle(next, answer(next, 2, 2)).kind()).isEqualTo(Reader.Kind.EMPTY);
    }

    @Test
    void aListShorterThanWhatWasReadIsMovedAndTheFenceTellsLeaseFromHistory() {
        Reader reader = new Reader(2, 0);
        Reader.Read read = reader.reserve();
        reader.returned(read, true);
        reader.settle(read, answer(read, 4, 2));
        Reader.Read next = reader.reserve();
        reader.returned(next, true);
        assertThat(reader.settle(next, new ShardRedis.Fenced(1, List.of())).kind())
                .as("elements read vanished")
                .isEqualTo(Reader.Kind.MOVED);
        Reader.Read fenced = reader.reserve();
        reader.returned(fenced, true);
        assertThat(reader.settle(fenced, new ShardRedis.Fenced(ShardRedis.LEASE_LOST, List.of()))
                        .kind())
                .isEqualTo(Reader.Kind.LEASE_LOST);
        Reader.Read moved = reader.reserve();
        reader.returned(moved, true);
        assertThat(reader.settle(moved, new ShardRedis.Fenced(ShardRedis.MOVED, List.of()))
                        .kind())
                .isEqualTo(Reader.Kind.MOVED);
    }

    @Test
    void anExclusiveActionHoldsReadsBackAndACommitMovesPositionsNot() {
        Reader reader = new Reader(2, 0);
        Reader.Read read = reader.reserve();
        reader.returned(read, true);
        reader.settle(read, answer(read, 10, 2));
        Reader.Read inFlight = reader.reserve();
        reader.beginExclusive();
        assertThat(reader.reservable()).isFalse();
        assertThatThrownBy(reader::reserve).isInstanceOf(IllegalStateException.class);
        assertThat(reader.quiet()).isFalse();
        reader.returned(inFlight, true);
        assertThat(reader.quiet()).isTrue();
        reader.committed(2);
        reader.endExclusive();
        assertThat(reader.trimmed()).isEqualTo(2);
        assertThat(reader.cursor()).isZero();
        assertThat(reader.waiting(inFlight))
                .as("its absolute start is still the settled end")
                .isFalse();
        assertThat(names(reader.settle(inFlight, answer(inFlight, 10, 2)))).containsExactly("2", "3");
        assertThatThrownBy(() -> reader.committed(5)).isInstanceOf(IllegalStateException.class);
    }
}
