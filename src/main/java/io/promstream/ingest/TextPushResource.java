package io.promstream.ingest;

import io.prometheus.client.Counter;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * Pushgateway-compatible text pushes: {@code PUT}/{@code POST /metrics/job/<job>{/<label>/<value>}} aggregate
 * a text-format body into the store (all or nothing, {@link HttpIngestor#ingestText}), {@code DELETE} removes
 * every series carrying the grouping labels. The protobuf format answers 415; any other body is read as text,
 * as the Pushgateway does (so {@code curl --data-binary}, which says {@code application/x-www-form-urlencoded},
 * works).
 */
@Path("/metrics/{grouping: job(@base64)?/.*}")
public class TextPushResource {
    private final HttpIngestor ingestor;
    private final Counter rejected;
    private final int maxBodyBytes;

    /** @param rejected {@code http_rejected_total{endpoint,reason}} */
    public TextPushResource(HttpIngestor ingestor, Counter rejected, int maxBodyBytes) {
        this.ingestor = ingestor;
        this.rejected = rejected;
        this.maxBodyBytes = maxBodyBytes;
    }

    @PUT
    public Response put(@Encoded @PathParam("grouping") String grouping, @HeaderParam("Content-Type") String type,
            @HeaderParam("Content-Encoding") String encoding, InputStream in) {
        return push(grouping, type, encoding, in);
    }

    @POST
    public Response post(@Encoded @PathParam("grouping") String grouping, @HeaderParam("Content-Type") String type,
            @HeaderParam("Content-Encoding") String encoding, InputStream in) {
        return push(grouping, type, encoding, in);
    }

    @DELETE
    public Response delete(@Encoded @PathParam("grouping") String grouping) {
        GroupingKey key;
        try {
            key = GroupingKey.parse(grouping);
        } catch (IllegalArgumentException e) {
            return reply(400, e.getMessage());
        }
        return reply(202, "removed " + ingestor.removeCarrying(key.labels()) + " series");
    }

    private Response push(String grouping, String contentType, String encoding, InputStream in) {
        if (contentType != null && contentType.contains("protobuf")) {
            return reply(415, "the protobuf format is not supported; push the text format "
                    + "(Go: push.New(...).Format(expfmt.NewFormat(expfmt.TypeTextPlain)))");
        }
        GroupingKey key;
        try {
            key = GroupingKey.parse(grouping);
        } catch (IllegalArgumentException e) {
            return reply(400, e.getMessage());
        }
        byte[] body;
        try {
            body = BodyReader.read(in, encoding, maxBodyBytes);
        } catch (BodyReader.TooLarge e) {
            return reply(413, e.getMessage());
        } catch (IOException e) {
            return reply(400, "cannot read the body: " + e.getMessage());
        }
        String endpoint = PushEndpoint.TEXT.label();
        HttpIngestor.Outcome outcome = ingestor.ingestText(body, key.labels(),
                "http " + endpoint + " job " + key.labels().get("job"));
        if (outcome.bodyRejection() != null) {
            rejected.labels(endpoint, outcome.bodyRejection().label()).inc();
            return reply(400, "push refused, nothing applied: " + outcome.bodyError());
        }
        outcome.refused().forEach(r -> rejected.labels(endpoint, r.reason()).inc());
        if (!outcome.refused().isEmpty()) {
            HttpIngestor.Refused first = outcome.refused().get(0);
            return reply(400, "applied " + outcome.accepted() + " samples; refused " + outcome.refused().size()
                    + ", first: " + first.reason() + ": " + first.error());
        }
        return reply(200, "applied " + outcome.accepted() + " samples");
    }

    private static Response reply(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message + "\n").build();
    }
}
