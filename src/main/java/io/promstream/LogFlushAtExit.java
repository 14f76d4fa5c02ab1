package io.promstream;

import ch.qos.logback.classic.LoggerContext;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.LoggerFactory;

/**
 * Registered first so it stops last: when the JVM is exiting (SIGTERM), it stops logback, which drains
 * Dropwizard's asynchronous appenders; otherwise the shutdown's own log lines (workers stopped, store saved)
 * would be lost when the JVM halts.
 */
final class LogFlushAtExit implements Managed {
    @Override
    public void stop() {
        if (jvmExiting() && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    private static boolean jvmExiting() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true; // hooks cannot be added once shutdown has begun
        }
    }
}
