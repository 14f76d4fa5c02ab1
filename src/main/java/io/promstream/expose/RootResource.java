package io.promstream.expose;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /}: liveness for anything that only reaches the application port. */
@Path("/")
public class RootResource {
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String ok() {
        return "OK";
    }
}
