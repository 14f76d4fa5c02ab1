package io.promstream.ingest.http;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.prometheus.client.Counter;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.parse.otlp.OtlpCodec;
import io.promstream.parse.otlp.OtlpSettings;
import io.promstream.parse.otlp.OtlpTranslator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code POST /v1/metrics}: an OTLP/HTTP metrics export (docs/otlp.md), protobuf or JSON, gzip or not. 200 with an
 * {@code ExportMetricsServiceResponse} once the export is stored (with {@code partial_success} naming the points
 * refused), 400 with a {@code Status} for a body that is not an export, 413 and 408 as every push, 415 for another
 * content type, 503 with {@code Retry-After} when Redis cannot store it (nothing was stored; the exporter retries,
 * and a delta point it sends again is not added twice).
 */
@Path("/v1/metrics")
public class OtlpResource {
    /** Seconds an exporter is asked to wait after a 503. */
    static final String RETRY_AFTER_SECONDS = "2";
    /** {@code google.rpc.Code}: INVALID_ARGUMENT, UNAVAILABLE. */
    private static final int INVALID_ARGUMENT = 3;

    private static final int UNAVAILABLE = 14;

    private final HttpIngestor ingestor;
    private final Counter rejected;
    private final BodyReader bodies;
    private final OtlpSettings settings;
    private final InstantSource clock;

    /** @param rejected {@code http_rejected_total{endpoint,reason}} */
    public OtlpResource(
            HttpIngestor ingestor, Counter rejected, BodyReader bodies, OtlpSettings settings, InstantSource clock) {
        this.ingestor = ingestor;
        this.rejected = rejected;
        this.bodies = bodies;
        this.settings = settings;
        this.clock = clock;
    }

    @POST
    public Response export(
            @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Content-Encoding") String contentEncoding,
            @Context HttpServletRequest http,
            InputStream in) {
        String endpoint = PushEndpoint.OTLP.label();
        OtlpCodec.Encoding encoding = OtlpCodec.Encoding.of(contentType);
        if (encoding == null) {
            rejected.labels(endpoint, "unsupported_media_type").inc();
            return Response.status(415)
                    .type("text/plain")
                    .entity("an OTLP export is application/x-protobuf or application/json\n")
                    .build();
        }
        PushHeaders headers = PushHeaders.of(http);
        String badHeader = headers.problem();
        if (badHeader != null) {
            return status(400, INVALID_ARGUMENT, badHeader, encoding);
        }
        byte[] body;
        try {
            body = bodies.read(in, contentEncoding);
        } catch (BodyReader.TooLarge e) {
            return status(413, INVALID_ARGUMENT, e.getMessage(), encoding);
        } catch (BodyReader.TooSlow e) {
            return status(408, INVALID_ARGUMENT, e.getMessage(), encoding);
        } catch (IOException e) {
            return status(400, INVALID_ARGUMENT, "cannot read the body: " + e.getMessage(), encoding);
        }
        ExportMetricsServiceRequest request;
        try {
            request = OtlpCodec.decode(body, encoding);
        } catch (OtlpCodec.Undecodable e) {
            rejected.labels(endpoint, "invalid_message").inc();
            return status(400, INVALID_ARGUMENT, e.getMessage(), encoding);
        }
        HttpIngestor.Outcome outcome;
        try {
            outcome = headers.on(ingestor)
                    .ingestOtlp(
                            OtlpTranslator.translate(request, settings, clock.millis()),
                            settings.windowMillis(),
                            "http otlp");
        } catch (JedisException e) {
            return statusBuilder(
                            503, UNAVAILABLE, "Redis is unavailable, the export was not stored; retry later", encoding)
                    .header("Retry-After", RETRY_AFTER_SECONDS)
                    .build();
        }
        Map<String, Integer> reasons = new LinkedHashMap<>();
        StringBuilder message = new StringBuilder();
        for (HttpIngestor.Refused r : outcome.refused()) {
            rejected.labels(endpoint, r.reason()).inc();
            if (reasons.merge(r.reason(), 1, Integer::sum) == 1 && reasons.size() <= 3) {
                message.append(message.length() > 0 ? "; " : "")
                        .append(r.reason())
                        .append(": ")
                        .append(r.error());
            }
        }
        if (reasons.size() > 3) {
            message.append("; and more: ").append(reasons);
        }
        return Response.ok(OtlpCodec.response(outcome.refused().size(), message.toString(), encoding))
                .type(encoding.contentType())
                .build();
    }

    private static Response status(int http, int code, String message, OtlpCodec.Encoding encoding) {
        return statusBuilder(http, code, message, encoding).build();
    }

    private static Response.ResponseBuilder statusBuilder(
            int http, int code, String message, OtlpCodec.Encoding encoding) {
        return Response.status(http).type(encoding.contentType()).entity(OtlpCodec.status(code, message, encoding));
    }
}
