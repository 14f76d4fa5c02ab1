package io.promstream.ingest.http;

import io.prometheus.client.Counter;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.parse.RejectReason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/metrics}: a JSON body (docs/wire-format.md). 200 with what was accepted and refused (by
 * index), 400 for a body that is not JSON, 413 over {@code http.maxBodyBytes}, 415 for another content type.
 */
@Path("/api/metrics")
public class JsonPushResource {
    private final HttpIngestor ingestor;
    private final Counter rejected;
    private final BodyReader bodies;

    /** @param rejected {@code http_rejected_total{endpoint,reason}} */
    public JsonPushResource(HttpIngestor ingestor, Counter rejected, BodyReader bodies) {
        this.ingestor = ingestor;
        this.rejected = rejected;
        this.bodies = bodies;
    }

    /** The reply to a push. */
    public record Reply(int accepted, List<HttpIngestor.Refused> rejected) {}

    /** The reply to a push queued for the gateway holding its shard(s): durable, applied there. */
    public record Queued(boolean queued, List<HttpIngestor.Refused> rejected) {}

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
    @Produces(MediaType.APPLICATION_JSON)
    public Response push(
            @HeaderParam("Content-Encoding") String encoding, @Context HttpServletRequest request, InputStream in) {
        PushHeaders headers = PushHeaders.of(request);
        String badHeader = headers.problem();
        if (badHeader != null) {
            return reply(400, Map.of("error", badHeader));
        }
        byte[] body;
        try {
            body = bodies.read(in, encoding);
        } catch (BodyReader.TooLarge e) {
            return reply(413, Map.of("error", e.getMessage()));
        } catch (BodyReader.TooSlow e) {
            return reply(408, Map.of("error", e.getMessage()));
        } catch (IOException e) {
            return reply(400, Map.of("error", "cannot read the body: " + e.getMessage()));
        }
        String endpoint = PushEndpoint.JSON.label();
        HttpIngestor.Outcome outcome = headers.on(ingestor).ingestJson(body, "http " + endpoint);
        outcome.refused().forEach(r -> rejected.labels(endpoint, r.reason()).inc());
        if (outcome.bodyRejection() != null) {
            rejected.labels(endpoint, outcome.bodyRejection().label()).inc();
            int status = outcome.bodyRejection() == RejectReason.TOO_LARGE ? 413 : 400;
            return reply(
                    status,
                    Map.of(
                            "error",
                            outcome.bodyError(),
                            "reason",
                            outcome.bodyRejection().label()));
        }
        if (outcome.queued()) {
            return reply(202, new Queued(true, outcome.refused()));
        }
        return reply(200, new Reply(outcome.accepted(), outcome.refused()));
    }

    private static Response reply(int status, Object entity) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(entity)
                .build();
    }
}
