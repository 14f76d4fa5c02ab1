package io.promstream.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.promstream.store.MetricStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/reset-series[?name=..][&label=k=v][&olderThan=15m]}: removes the selected series. */
public final class ResetSeriesTask extends Task {
    private final MetricStore store;

    public ResetSeriesTask(MetricStore store) {
        super("reset-series");
        this.store = store;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        SeriesSelection selection = SeriesSelection.parse(parameters);
        long since = selection.notUpdatedSince(store.clock().millis());
        int removed = store.remove(selection.families(), selection.series(), since);
        output.println("removed " + removed + " series");
    }
}
