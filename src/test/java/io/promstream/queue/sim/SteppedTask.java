package io.promstream.queue.sim;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Blocking code (the push writer, the sweep of staged pushes) run as a series of simulation events: it runs on a
 * thread of its own, but only while the scheduler waits for it, and it hands control back at every {@link #pause}
 * (before each call to Redis, or a retry's sleep); the scheduler resumes it at a later simulated time. One thread
 * runs at a time, so a seed stays one interleaving. A killed task ends at its next pause.
 */
final class SteppedTask {
    /** Thrown at a killed task's pause: it unwinds through the code under test, which catches Redis errors only. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("the gateway was killed", null, false, false);
        }
    }

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sim-task");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<SteppedTask> CURRENT = new ThreadLocal<>();

    private final Semaphore toTask = new Semaphore(0);
    private final Semaphore toScheduler = new Semaphore(0);
    /** Runs an action after a delay of simulated time. */
    interface Later {
        void after(long millis, Runnable action);
    }

    private final Later later;
    private boolean killed;
    private boolean done;
    private long delay;
    private Throwable failure;

    /**
     * @param later schedules the task's resumption (on its gateway's clock, so that a paused gateway's task waits and
     *     a killed one's is never resumed by it)
     */
    SteppedTask(Later later) {
        this.later = later;
    }

    /** The task of the calling thread, or {@code null} on the scheduler's. */
    static SteppedTask current() {
        return CURRENT.get();
    }

    /** Starts {@code body} and runs it up to its first pause, on the scheduler's thread's turn. */
    void start(Runnable body) {
        THREADS.execute(() -> {
            CURRENT.set(this);
            toTask.acquireUninterruptibly();
            try {
                if (!killed) {
                    body.run();
                }
            } catch (Killed e) {
                // ended where it was
            } catch (Throwable e) {
                failure = e;
            } finally {
                CURRENT.remove();
                done = true;
                toScheduler.release();
            }
        });
        resume();
    }

    /** Runs the task until its next pause or its end (the scheduler's side). */
    void resume() {
        if (done) {
            return;
        }
        toTask.release();
        toScheduler.acquireUninterruptibly();
        if (failure != null) {
            Throwable f = failure;
            failure = null;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(f);
        }
        if (!done && !killed) {
            later.after(delay, this::resume);
        }
    }

    /** Hands control back to the scheduler for {@code millis} of simulated time (the task's side). */
    void pause(long millis) {
        delay = millis;
        toScheduler.release();
        toTask.acquireUninterruptibly();
        if (killed) {
            throw new Killed();
        }
    }

    /** Ends the task at its pause (its gateway died, or the seed is over). */
    void kill() {
        if (!done) {
            killed = true;
            toTask.release();
            toScheduler.acquireUninterruptibly();
        }
    }

    boolean done() {
        return done;
    }
}
