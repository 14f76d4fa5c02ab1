package io.promstream.tasks;

import java.io.PrintWriter;

/**
 * A task that cannot do what was asked (a bad parameter, a flush that timed out). Dropwizard's task servlet
 * answers 500 with the message and then the stack trace; this exception has none to print, so the caller
 * sees only the clear message, and nothing was changed.
 */
public final class TaskError extends RuntimeException {
    public TaskError(String message) {
        super(message, null, false, false);
    }

    @Override
    public void printStackTrace(PrintWriter writer) {
        // the message was printed already; a stack trace would only hide it
    }
}
