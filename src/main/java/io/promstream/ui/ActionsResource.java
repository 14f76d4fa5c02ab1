package io.promstream.ui;

import io.promstream.ingest.push.HttpIngestor;
import io.promstream.queue.LogLimiter;
import io.promstream.tasks.FlushQueueTask;
import io.promstream.tasks.ResetSeriesTask;
import io.promstream.tasks.TaskError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's actions, {@code POST /ui/api/actions/...}, each run only when the {@link ActionGuard} allowed it (the
 * admin token), else refused with its reason: they run the admin tasks' own code ({@code reset-series}, {@code flush-queue}) and the push paths'
 * ({@code HttpIngestor.deleteGroup}, {@code HttpIngestor.ingestJson}). Each answers {@code {"ok", "message"}} and is
 * logged.
 */
@Path("/ui/api/actions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ActionsResource {
    private static final Logger LOG = LoggerFactory.getLogger(ActionsResource.class);
    /** How long a flush from the console waits for the workers. */
    static final String FLUSH_TIMEOUT = "30s";

    private final ResetSeriesTask reset;
    private final FlushQueueTask flush;
    private final HttpIngestor ingestor;
    private final DeadLetterList deadLetters;
    private final LogLimiter refusals;

    public ActionsResource(
            ResetSeriesTask reset,
            FlushQueueTask flush,
            HttpIngestor ingestor,
            DeadLetterList deadLetters,
            LogLimiter refusals) {
        this.reset = reset;
        this.flush = flush;
        this.ingestor = ingestor;
        this.deadLetters = deadLetters;
        this.refusals = refusals;
    }

    /** The guard's refusal as the answer (logged, rate-limited: anyone can ask), or {@code null} to go on. */
    private Response refused(HttpServletRequest http) {
        ActionGuard.Refusal refusal = ActionGuard.refusal(http);
        if (refusal == null) {
            return null;
        }
        long suppressed = refusals.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn(
                    "Console action {} from {} refused ({}): {}{}",
                    http.getRequestURI(),
                    http.getRemoteAddr(),
                    refusal.status(),
                    refusal.message(),
                    suppressed > 0 ? " (" + suppressed + " more refusals not logged)" : "");
        }
        Response.ResponseBuilder answer = Response.status(refusal.status())
                .entity(new Answer(false, refusal.message()))
                .type(MediaType.APPLICATION_JSON);
        if (refusal.status() == 401) {
            answer.header("WWW-Authenticate", "Bearer realm=\"console actions\"");
        }
        return answer.build();
    }

    public record Answer(boolean ok, String message) {}

    /** A reset: families by name (any of them) and {@code key=value} labels (all of them); one at least. */
    public record ResetRequest(List<String> names, List<String> labels) {}

    public record GroupRequest(Map<String, String> labels) {}

    /** A dead letter (its whole envelope) and its payload, fixed, to push again. */
    public record RequeueRequest(String envelope, String payload) {}

    @POST
    @Path("reset")
    public Response reset(@Context HttpServletRequest http, ResetRequest request) {
        Response refused = refused(http);
        if (refused != null) {
            return refused;
        }
        List<String> names = request == null || request.names() == null ? List.of() : request.names();
        List<String> labels = request == null || request.labels() == null ? List.of() : request.labels();
        if (names.isEmpty() && labels.isEmpty()) {
            return answer(400, "name a family or a label selector; the console does not reset every series");
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (!names.isEmpty()) {
            parameters.put("name", names);
        }
        if (!labels.isEmpty()) {
            parameters.put("label", labels);
        }
        return run("reset " + parameters, () -> task(reset::execute, parameters), 400);
    }

    @POST
    @Path("flush")
    public Response flush(@Context HttpServletRequest http) {
        Response refused = refused(http);
        if (refused != null) {
            return refused;
        }
        return run("flush", () -> task(flush::execute, Map.of("timeout", List.of(FLUSH_TIMEOUT))), 503);
    }

    @POST
    @Path("delete-group")
    public Response deleteGroup(@Context HttpServletRequest http, GroupRequest request) {
        Response refused = refused(http);
        if (refused != null) {
            return refused;
        }
        if (request == null || request.labels() == null || request.labels().isEmpty()) {
            return answer(400, "name the group by its grouping labels");
        }
        return run(
                "delete group " + request.labels(),
                () -> ingestor.deleteGroup(request.labels()).queued()
                        ? "queued: the group is deleted by the gateway holding its shard"
                        : "deleted the group " + request.labels(),
                400);
    }

    /**
     * Sends a dead letter's payload, as fixed, through the JSON push path (each sample onto its shard's list, as
     * {@code POST /api/metrics} does) and removes the letter; what is refused again is dead-lettered again.
     */
    @POST
    @Path("requeue")
    public Response requeue(@Context HttpServletRequest http, RequeueRequest request) {
        Response refused = refused(http);
        if (refused != null) {
            return refused;
        }
        if (request == null || request.envelope() == null || request.payload() == null) {
            return answer(400, "name the letter (envelope) and give its payload");
        }
        return run(
                "requeue",
                () -> {
                    HttpIngestor.Outcome outcome =
                            ingestor.ingestJson(request.payload().getBytes(StandardCharsets.UTF_8), "console requeue");
                    boolean removed = deadLetters.remove(request.envelope());
                    return requeued(outcome) + (removed ? "; the letter was removed" : "; the letter was gone already");
                },
                400);
    }

    private static String requeued(HttpIngestor.Outcome outcome) {
        if (outcome.bodyRejection() != null) {
            return "refused again (" + outcome.bodyRejection().label() + ": " + outcome.bodyError()
                    + "), dead-lettered anew";
        }
        if (outcome.queued()) {
            return "queued for the gateways holding its shards";
        }
        return "applied " + outcome.accepted() + " samples"
                + (outcome.refused().isEmpty()
                        ? ""
                        : ", " + outcome.refused().size() + " refused again (dead-lettered anew: "
                                + outcome.refused().get(0).reason() + ": "
                                + outcome.refused().get(0).error() + ")");
    }

    private interface Task {
        void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception;
    }

    private static String task(Task task, Map<String, List<String>> parameters) throws Exception {
        StringWriter out = new StringWriter();
        try (PrintWriter writer = new PrintWriter(out)) {
            task.execute(parameters, writer);
        }
        return out.toString().trim();
    }

    private interface Action {
        String run() throws Exception;
    }

    /** Runs an action: 200 with what it said, or {@code failed} with a task's reason; logs it either way. */
    private static Response run(String what, Action action, int failed) {
        try {
            String said = action.run();
            LOG.info("Console action {}: {}", what, said);
            return answer(200, said);
        } catch (TaskError e) {
            LOG.info("Console action {} refused: {}", what, e.getMessage());
            return answer(failed, e.getMessage());
        } catch (RuntimeException e) {
            throw e; // Redis unreachable and the like: the application's mappers answer
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response answer(int status, String message) {
        return Response.status(status)
                .entity(new Answer(status == 200, message))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
