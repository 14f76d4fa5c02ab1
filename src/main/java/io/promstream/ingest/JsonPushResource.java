package io.promstream.ingest;

import io.promstream.expose.GatewayMetrics;
import io.promstream.parse.RejectReason;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/metrics}: a SPEC §2 JSON body. 200 with what was accepted and refused (by index), 400 for
 * a body that is not JSON, 413 over {@code http.maxBodyBytes}, 415 for another content type.
 */
@Path("/api/metrics")
public class JsonPushResource {
    static final String ENDPOINT = "json";

    private final HttpIngestor ingestor;
    private final GatewayMetrics metrics;
    private final int maxBodyBytes;

    public JsonPushResource(HttpIngestor ingestor, GatewayMetrics metrics, int maxBodyBytes) {
        this.ingestor = ingestor;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The reply to a push. */
    public record Reply(int accepted, List<HttpIngestor.Refused> rejected) {
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
    @Produces(MediaType.APPLICATION_JSON)
    public Response push(@HeaderParam("Content-Encoding") String encoding, InputStream in) {
        byte[] body;
        try {
            body = BodyReader.read(in, encoding, maxBodyBytes);
        } catch (BodyReader.TooLarge e) {
            return reply(413, Map.of("error", e.getMessage()));
        } catch (IOException e) {
            return reply(400, Map.of("error", "cannot read the body: " + e.getMessage()));
        }
        HttpIngestor.Outcome outcome = ingestor.ingestJson(body, "http " + ENDPOINT);
        outcome.refused().forEach(r -> metrics.httpRejected(ENDPOINT, r.reason()).inc());
        if (outcome.bodyRejection() != null) {
            metrics.httpRejected(ENDPOINT, outcome.bodyRejection().label()).inc();
            int status = outcome.bodyRejection() == RejectReason.TOO_LARGE ? 413 : 400;
            return reply(status, Map.of("error", outcome.bodyError(), "reason", outcome.bodyRejection().label()));
        }
        return reply(200, new Reply(outcome.accepted(), outcome.refused()));
    }

    private Response reply(int status, Object entity) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(entity).build();
    }
}
