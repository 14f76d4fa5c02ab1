package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/health}: every health check, 200 when all pass and 503 otherwise (for load balancers). */
@Path("/api/health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {
    private final HealthCheckRegistry checks;

    public HealthResource(HealthCheckRegistry checks) {
        this.checks = checks;
    }

    /** One check's verdict. */
    public record Check(boolean healthy, String message) {}

    /** All verdicts, and the names of the failing ones. */
    public record Report(boolean healthy, Map<String, Check> checks) {}

    @GET
    public Response health() {
        Map<String, Check> results = new LinkedHashMap<>();
        boolean healthy = true;
        for (Map.Entry<String, HealthCheck.Result> e : checks.runHealthChecks().entrySet()) {
            HealthCheck.Result result = e.getValue();
            results.put(e.getKey(), new Check(result.isHealthy(), result.getMessage()));
            healthy &= result.isHealthy();
        }
        return Response.status(healthy ? 200 : 503)
                .entity(new Report(healthy, results))
                .build();
    }
}
