package io.promstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The keys a partition keeps: against a plain map and queue doing the same, over random sequences. */
class SeenKeysTest {
    /** The same rules, written the obvious way: keys in arrival order, expired from the front, the oldest forgotten. */
    private static final class Reference {
        final int limit;
        final Map<Long, Long> expiries = new HashMap<>();
        final ArrayDeque<Long> order = new ArrayDeque<>();
        long forgottenEarly;

        Reference(int limit) {
            this.limit = limit;
        }

        boolean add(long key, long expiresAt, long now) {
            while (!order.isEmpty() && expiries.get(order.peekFirst()) <= now) {
                expiries.remove(order.pollFirst());
            }
            if (expiries.containsKey(key)) {
                return false;
            }
            while (order.size() >= limit) {
                expiries.remove(order.pollFirst());
                forgottenEarly++;
            }
            order.addLast(key);
            expiries.put(key, expiresAt);
            return true;
        }
    }

    @Test
    void behavesAsTheReferenceOverRandomSequences() {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            int limit = 1 + random.nextInt(seed % 2 == 0 ? 8 : 3000);
            int keySpace = 1 + random.nextInt(4 * limit + 10);
            SeenKeys keys = new SeenKeys(limit);
            Reference reference = new Reference(limit);
            long now = 0;
            for (int step = 0; step < 5000; step++) {
                now += random.nextInt(3);
                long key = random.nextInt(keySpace) - keySpace / 2L; // negative keys and 0 too
                long expiresAt = now + 1 + random.nextInt(200);
                assertThat(keys.add(key, expiresAt, now))
                        .as("seed %d step %d key %d", seed, step, key)
                        .isEqualTo(reference.add(key, expiresAt, now));
                assertThat(keys.size()).isEqualTo(reference.order.size());
            }
            for (long key = -keySpace; key <= keySpace; key++) {
                assertThat(keys.contains(key))
                        .as("seed %d key %d", seed, key)
                        .isEqualTo(reference.expiries.containsKey(key));
            }
            assertThat(keys.forgottenEarly()).isEqualTo(reference.forgottenEarly);
        }
    }

    @Test
    void takesHandOutWhatCameSinceTheLastTakeAndAFullTakeEverything() {
        SeenKeys keys = new SeenKeys(100);
        for (long k = 1; k <= 40; k++) {
            keys.add(k, 1_000, 0); // the ring and the table grow past their first sizes
        }
        SeenKeys.Taken all = keys.take(false);
        assertThat(all.keys()).hasSize(40).startsWith(1, 2, 3).endsWith(40);
        keys.add(41, 1_000, 0);
        SeenKeys.Taken one = keys.take(false);
        assertThat(one.keys()).containsExactly(41);
        keys.untake(one);
        keys.add(42, 1_000, 0);
        assertThat(keys.take(false).keys()).containsExactly(41, 42);
        assertThat(keys.take(true).keys()).hasSize(42);
        assertThat(keys.take(false).keys()).isEmpty();
    }
}
