package io.promstream.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /ui/api/dead-letters?count=50}: the newest dead letters (at most {@link #MAX_COUNT}), each with its
 * reason, error, time, source and payload, and its whole envelope, by which a requeue names it.
 */
@Path("/ui/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {
    static final int MAX_COUNT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterList list;

    public DeadLettersResource(DeadLetterList list) {
        this.list = list;
    }

    public record Letter(
            String reason,
            String error,
            String time,
            String source,
            boolean truncated,
            String payload,
            String envelope) {}

    /** The list's key ({@code null}: dead letters are off), its length, and its newest letters. */
    public record Letters(String key, long length, List<Letter> letters) {}

    @GET
    public Letters letters(@QueryParam("count") @DefaultValue("50") int count) {
        List<Letter> letters = new ArrayList<>();
        for (String envelope : list.newest(Math.max(1, Math.min(MAX_COUNT, count)))) {
            letters.add(read(envelope));
        }
        return new Letters(list.key(), list.length(), letters);
    }

    static Letter read(String envelope) {
        try {
            JsonNode json = JSON.readTree(envelope);
            return new Letter(
                    json.path("reason").asText(""),
                    json.path("error").asText(""),
                    json.path("time").asText(""),
                    json.path("source").asText(""),
                    json.path("truncated").asBoolean(),
                    json.path("payload").asText(""),
                    envelope);
        } catch (JsonProcessingException e) {
            return new Letter("", "not an envelope the gateway wrote", "", "", false, envelope, envelope);
        }
    }
}
