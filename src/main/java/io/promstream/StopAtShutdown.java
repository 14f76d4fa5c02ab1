package io.promstream;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.LoggerFactory;

/**
 * Stops the server at JVM shutdown even while it is still starting. Jetty's own hook (which Dropwizard enables)
 * skips a server that is not STARTED yet, but the workers start, and take from Redis, during the server's start;
 * so this hook replaces Jetty's: it is added, and Jetty's switched off, as the server begins starting. Jetty's
 * stop waits for a start in progress.
 */
final class StopAtShutdown implements LifeCycle.Listener {
    private volatile Thread hook;

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
            server.setStopAtShutdown(false); // one hook, not two racing each other
            hook = new Thread(
                    () -> {
                        try {
                            server.stop();
                        } catch (Exception e) {
                            LoggerFactory.getLogger(StopAtShutdown.class).error("Stopping failed", e);
                        }
                    },
                    "gateway-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    @Override
    public void lifeCycleStopped(LifeCycle event) {
        Thread registered = hook;
        if (event instanceof Server && registered != null && registered != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(registered);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is stopping us
            }
        }
    }
}
