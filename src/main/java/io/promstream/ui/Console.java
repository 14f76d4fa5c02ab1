package io.promstream.ui;

import io.dropwizard.core.setup.Environment;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.StatusResource;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.parse.RejectReason;
import io.promstream.queue.LogLimiter;
import io.promstream.store.MetricStore;
import io.promstream.store.TtlRules;
import io.promstream.tasks.AdminTokenFilter;
import io.promstream.tasks.FlushQueueTask;
import io.promstream.tasks.ResetSeriesTask;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operator console on the application port (docs/endpoints.md, Console): its page under {@code /ui/}, its reads
 * under {@code /ui/api/}, its actions under {@code /ui/api/actions/} behind the {@link ActionGuard}. Register it
 * before the application's other filters, so that the guard runs before the ingestion credentials' filter.
 */
public final class Console {
    /** Where the actions are; the guard is mapped here. */
    public static final String ACTIONS = "/ui/api/actions/*";

    /** How often the activity history reads the running totals. */
    static final long RECORD_MILLIS = 10_000;

    private Console() {}

    /** What the console reads: the store and its TTL rules, the status, the meta metrics, the queue, the shards. */
    public record Reads(
            MetricStore store,
            TtlRules ttl,
            StatusResource status,
            GatewayMetrics metrics,
            QueueMonitor monitor,
            ShardOwners owners,
            DeadLetterList deadLetters) {}

    /** What the actions run: the admin tasks, the push paths, and the admin token ({@code null}: none). */
    public record Actions(ResetSeriesTask reset, FlushQueueTask flush, HttpIngestor ingestor, String adminToken) {}

    public static void register(Environment environment, Reads reads, Actions actions) {
        ActivityHistory history = new ActivityHistory(reads.store().clock(), () -> reading(reads));
        ScheduledExecutorService recorder = environment
                .lifecycle()
                .scheduledExecutorService("console-history")
                .build();
        var unused = recorder.scheduleWithFixedDelay(history::record, 0, RECORD_MILLIS, TimeUnit.MILLISECONDS);

        boolean hasToken = actions.adminToken() != null && !actions.adminToken().isBlank();
        environment
                .servlets()
                .addFilter(
                        "console-actions",
                        new ActionGuard(hasToken ? new AdminTokenFilter(actions.adminToken()) : null))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, ACTIONS);
        environment.jersey().register(new ConsoleAssets());
        environment
                .jersey()
                .register(new OverviewResource(
                        reads.status(), history, reads.monitor(), reads.owners(), reads.deadLetters(), hasToken));
        environment.jersey().register(new StoreBrowser(reads.store(), reads.ttl()));
        environment.jersey().register(new GroupsResource(reads.store()));
        environment.jersey().register(new DeadLettersResource(reads.deadLetters()));
        environment
                .jersey()
                .register(new ActionsResource(
                        actions.reset(),
                        actions.flush(),
                        actions.ingestor(),
                        reads.deadLetters(),
                        new LogLimiter(reads.store().clock(), 1, 10_000)));
    }

    private static ActivityHistory.Reading reading(Reads reads) {
        RejectReason[] reasons = RejectReason.values();
        long[] rejected = new long[reasons.length];
        for (int r = 0; r < reasons.length; r++) {
            rejected[r] = (long) reads.metrics().droppedTotal(reasons[r]);
        }
        return new ActivityHistory.Reading(
                (long) reads.metrics().processedTotal(),
                rejected,
                reads.monitor().length());
    }
}
