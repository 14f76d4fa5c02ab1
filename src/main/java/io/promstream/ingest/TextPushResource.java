package io.promstream.ingest;

import io.promstream.expose.GatewayMetrics;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.TextFormatException;
import io.promstream.parse.TextPush;
import io.promstream.store.MetricStore;
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
import java.util.List;

/**
 * Pushgateway-compatible text pushes: {@code PUT}/{@code POST /metrics/job/<job>{/<label>/<value>}} aggregate
 * a text-format body into the store (all or nothing), {@code DELETE} removes every series carrying the
 * grouping labels. The protobuf format answers 415; any other body is read as text, as the Pushgateway does
 * (so {@code curl --data-binary}, which says {@code application/x-www-form-urlencoded}, works).
 */
@Path("/metrics/{grouping: job(@base64)?/.*}")
public class TextPushResource {
    static final String ENDPOINT = "text";

    private final HttpIngestor ingestor;
    private final MetricStore store;
    private final GatewayMetrics metrics;
    private final int maxBodyBytes;

    public TextPushResource(HttpIngestor ingestor, MetricStore store, GatewayMetrics metrics, int maxBodyBytes) {
        this.ingestor = ingestor;
        this.store = store;
        this.metrics = metrics;
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
        int removed = store.remove(f -> true,
                labels -> key.labels().entrySet().stream().allMatch(e -> labels.has(e.getKey(), e.getValue())),
                Long.MAX_VALUE);
        return reply(202, "removed " + removed + " series");
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
        String source = "http " + ENDPOINT + " job " + key.labels().get("job");
        List<Sample> samples;
        try {
            samples = TextPush.parse(body, key.labels());
        } catch (TextFormatException e) {
            return refuse(e.reason(), e.getMessage(), body, source);
        }
        HttpIngestor.Outcome outcome = ingestor.ingestAll(samples, body, source);
        if (outcome.bodyRejection() != null) {
            metrics.httpRejected(ENDPOINT, outcome.bodyRejection().label()).inc();
            return reply(400, "push refused, nothing applied: " + outcome.bodyError());
        }
        outcome.refused().forEach(r -> metrics.httpRejected(ENDPOINT, r.reason()).inc());
        if (!outcome.refused().isEmpty()) {
            HttpIngestor.Refused first = outcome.refused().get(0);
            return reply(400, "applied " + outcome.accepted() + " samples; refused " + outcome.refused().size()
                    + ", first: " + first.reason() + ": " + first.error());
        }
        return reply(200, "applied " + outcome.accepted() + " samples");
    }

    private Response refuse(RejectReason reason, String error, byte[] body, String source) {
        ingestor.refuse(reason, error, body, source);
        metrics.httpRejected(ENDPOINT, reason.label()).inc();
        return reply(400, "push refused, nothing applied: " + error);
    }

    private Response reply(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message + "\n").build();
    }
}
