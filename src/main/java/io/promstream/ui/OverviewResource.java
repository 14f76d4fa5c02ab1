package io.promstream.ui;

import io.promstream.expose.StatusResource;
import io.promstream.ingest.QueueMonitor;
import io.promstream.parse.RejectReason;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code GET /ui/api/overview}: the status ({@code GET /api/status}, reused whole), the last hour a minute a point
 * ({@link ActivityHistory}), the backlog of each shard (from the queue monitor's last poll), who holds each shard
 * and for how long yet (read from Redis now), the dead-letter list's length, and whether actions are possible.
 */
@Path("/ui/api/overview")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {
    private final StatusResource status;
    private final ActivityHistory history;
    private final QueueMonitor monitor;
    private final ShardOwners owners;
    private final DeadLetterList deadLetters;
    private final boolean actions;

    public OverviewResource(
            StatusResource status,
            ActivityHistory history,
            QueueMonitor monitor,
            ShardOwners owners,
            DeadLetterList deadLetters,
            boolean actions) {
        this.status = status;
        this.history = history;
        this.monitor = monitor;
        this.owners = owners;
        this.deadLetters = deadLetters;
        this.actions = actions;
    }

    /** One minute of the chart: its start, samples applied, rejections by reason (only those that happened). */
    public record MinuteRow(long startMillis, long processed, Map<String, Long> rejected, Long backlog) {}

    /** A shard: its backlog at the last poll ({@code null}: unknown), its holder, its lease's time left. */
    public record ShardRow(int shard, String list, Long backlog, String owner, long leaseMillisLeft, boolean here) {}

    public record DeadLetterInfo(String key, Long length) {}

    public record Overview(
            StatusResource.Status status,
            List<MinuteRow> minutes,
            List<ShardRow> shards,
            String shardsError,
            DeadLetterInfo deadLetters,
            boolean actions) {}

    @GET
    public Overview overview() {
        StatusResource.Status now = status.status();
        history.record(); // the minute going on, up to date
        List<MinuteRow> minutes = new ArrayList<>();
        RejectReason[] reasons = RejectReason.values();
        for (ActivityHistory.Minute minute : history.minutes()) {
            Map<String, Long> rejected = new LinkedHashMap<>();
            for (int r = 0; r < reasons.length; r++) {
                if (minute.rejected()[r] > 0) {
                    rejected.put(reasons[r].label(), minute.rejected()[r]);
                }
            }
            minutes.add(new MinuteRow(
                    minute.startMillis(),
                    minute.processed(),
                    rejected,
                    minute.backlog() == QueueMonitor.UNKNOWN ? null : minute.backlog()));
        }
        long[] backlog = monitor.lengths();
        List<ShardRow> shards = new ArrayList<>();
        String shardsError = null;
        try {
            for (ShardOwners.Owner owner : owners.read()) {
                shards.add(new ShardRow(
                        owner.shard(),
                        owner.list(),
                        owner.shard() < backlog.length ? backlog[owner.shard()] : null,
                        owner.gateway(),
                        owner.leaseMillisLeft(),
                        now.shards().gateway().equals(owner.gateway())));
            }
        } catch (JedisException e) {
            shardsError = "Redis did not answer: " + e.getMessage();
        }
        Long letters;
        try {
            letters = deadLetters.key() == null ? null : deadLetters.length();
        } catch (JedisException e) {
            letters = null;
        }
        return new Overview(now, minutes, shards, shardsError, new DeadLetterInfo(deadLetters.key(), letters), actions);
    }
}
