package io.promstream.queue.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The sharded queue's exactly-once protocol under {@link Simulation}: {@code sim.seeds} seeds (10,000 by default)
 * from {@code sim.from}, or the one seed {@code sim.seed} alone, to replay a failure.
 */
class SimulationTest {
    @Test
    void everySeedCountsEveryElementRedisKeptOnceAndExposesEachShardOnce() {
        Long one = Long.getLong("sim.seed");
        if (one != null) {
            new Simulation(one).run();
            return;
        }
        long from = Long.getLong("sim.from", 1);
        int seeds = Integer.getInteger("sim.seeds", 10_000);
        long started = System.nanoTime();
        Simulation.PushCounts pushes = Simulation.PushCounts.NONE;
        for (long seed = from; seed < from + seeds; seed++) {
            pushes = pushes.plus(new Simulation(seed).run());
        }
        System.out.printf(
                "SimulationTest: %d seeds from %d in %.1f s; %s%n",
                seeds, from, (System.nanoTime() - started) / 1e9, pushes);
        assertThat(pushes.split()).as("split HTTP pushes simulated").isPositive();
        assertThat(pushes.notStored() + pushes.unanswered())
                .as("HTTP pushes that failed or lost their gateway")
                .isPositive();
    }
}
