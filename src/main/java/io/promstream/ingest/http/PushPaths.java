package io.promstream.ingest.http;

import io.prometheus.client.Counter;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.parse.PushMode;
import io.promstream.parse.RejectReason;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the exposition push paths do (docs/endpoints.md), whatever prefix they came under: parse the grouping
 * labels of the path, read the body, and have the {@link HttpIngestor} apply it in the path's mode. Job paths
 * ({@code job/<job>...}) take the mode they are given; the aggregation gateway's label paths always aggregate, and
 * replace needs a job. The answers follow the system each path stands in for: an aggregating push says how many
 * samples it applied; a replacing one answers as the Pushgateway (200 with no body, 202 for a delete).
 */
public final class PushPaths {
    private final HttpIngestor ingestor;
    private final Counter rejected;
    private final BodyReader bodies;

    /** @param rejected {@code http_rejected_total{endpoint,reason}} */
    public PushPaths(HttpIngestor ingestor, Counter rejected, BodyReader bodies) {
        this.ingestor = ingestor;
        this.rejected = rejected;
        this.bodies = bodies;
    }

    /**
     * A {@code PUT} or {@code POST}.
     *
     * @param path the raw path after {@code .../metrics/} ({@code ""} for the bare {@code /metrics})
     * @param jobMode the mode of a job path
     * @param labelPaths whether the aggregation gateway's label paths are served here (not under /replace)
     */
    Response push(
            String path,
            PushMode jobMode,
            boolean labelPaths,
            boolean put,
            String contentType,
            String encoding,
            PushHeaders headers,
            InputStream in) {
        String badHeader = headers.problem();
        if (badHeader != null) {
            return reply(400, badHeader);
        }
        boolean job = GroupingKey.isJobPath(path);
        PushMode mode = job ? jobMode : PushMode.AGGREGATE;
        if (!job && !labelPaths) {
            return reply(404, "replace needs a job: /replace/metrics/job/<job>{/<label>/<value>}");
        }
        GroupingKey key;
        try {
            key = job ? GroupingKey.parse(path) : GroupingKey.parseLabels(path);
        } catch (IllegalArgumentException e) {
            return reply(400, e.getMessage());
        }
        byte[] body;
        try {
            body = bodies.read(in, encoding);
        } catch (BodyReader.TooLarge e) {
            return reply(413, e.getMessage());
        } catch (BodyReader.TooSlow e) {
            return reply(408, e.getMessage());
        } catch (IOException e) {
            return reply(400, "cannot read the body: " + e.getMessage());
        }
        String endpoint = PushEndpoint.PUSH.label();
        String source =
                "http " + mode.label() + " " + (job ? "job " + key.labels().get("job") : "/metrics/" + path);
        HttpIngestor.Outcome outcome =
                headers.on(ingestor).ingestExposition(body, contentType, key.labels(), mode, put, source);
        if (outcome.bodyRejection() != null) {
            rejected.labels(endpoint, outcome.bodyRejection().label()).inc();
            if (outcome.bodyRejection() == RejectReason.TOO_LARGE) {
                return reply(413, "push refused, nothing applied: " + outcome.bodyError());
            }
            return reply(
                    400,
                    mode == PushMode.REPLACE && outcome.bodyRejection() != RejectReason.INVALID_MESSAGE
                            ? "pushed metrics are invalid or inconsistent with existing metrics: " + outcome.bodyError()
                            : "push refused, nothing applied: " + outcome.bodyError());
        }
        outcome.refused().forEach(r -> rejected.labels(endpoint, r.reason()).inc());
        if (outcome.queued()) {
            return reply(202, "queued: the push is stored and is applied by the gateway holding its shard");
        }
        if (!outcome.refused().isEmpty()) {
            HttpIngestor.Refused first = outcome.refused().get(0);
            return reply(
                    400,
                    "applied " + outcome.accepted() + " samples; refused "
                            + outcome.refused().size() + ", first: " + first.reason() + ": " + first.error());
        }
        if (mode == PushMode.REPLACE) {
            return Response.ok().build();
        }
        return reply(200, "applied " + outcome.accepted() + " samples");
    }

    /** A {@code DELETE}: the group (replace), or every series carrying the path's labels (aggregate). */
    Response delete(String path, PushMode jobMode) {
        if (!GroupingKey.isJobPath(path)) {
            return reply(405, "DELETE needs a job path: /metrics/job/<job>{/<label>/<value>}");
        }
        GroupingKey key;
        try {
            key = GroupingKey.parse(path);
        } catch (IllegalArgumentException e) {
            return reply(400, e.getMessage());
        }
        if (jobMode == PushMode.REPLACE) {
            ingestor.deleteGroup(key.labels());
            return Response.accepted().build();
        }
        HttpIngestor.Outcome removed = ingestor.removeCarrying(key.labels());
        return reply(
                202,
                removed.queued()
                        ? "queued: series carrying these labels are removed on every shard"
                        : "removed " + removed.accepted() + " series");
    }

    private static Response reply(int status, String message) {
        return Response.status(status)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity(message + "\n")
                .build();
    }
}
