package io.promstream.ingest;

import io.promstream.parse.PushMode;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The exposition push paths, one resource per prefix; {@link PushPaths} does the work. The bare
 * {@code /metrics/...} job paths follow {@code http.pushMode}; {@code /aggregate/metrics/...} and
 * {@code /replace/metrics/...} always do what they say, so one gateway serves both kinds of clients.
 */
public final class PushResources {
    private PushResources() {
    }

    /** {@code /metrics/<path>}: a job path in the configured mode, or the aggregation gateway's label path. */
    @Path("/metrics/{path: .*}")
    public static final class Bare {
        private final PushPaths paths;
        private final PushMode mode;

        public Bare(PushPaths paths, PushMode mode) {
            this.paths = paths;
            this.mode = mode;
        }

        @PUT
        public Response put(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(path, mode, true, true, type, encoding, in);
        }

        @POST
        public Response post(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(path, mode, true, false, type, encoding, in);
        }

        @DELETE
        public Response delete(@Encoded @PathParam("path") String path) {
            return paths.delete(path, mode);
        }
    }

    /** {@code /aggregate/metrics{/<path>}}: always aggregates. */
    @Path("/aggregate/metrics{path: (/.*)?}")
    public static final class Aggregate {
        private final PushPaths paths;

        public Aggregate(PushPaths paths) {
            this.paths = paths;
        }

        @PUT
        public Response put(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(strip(path), PushMode.AGGREGATE, true, true, type, encoding, in);
        }

        @POST
        public Response post(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(strip(path), PushMode.AGGREGATE, true, false, type, encoding, in);
        }

        @DELETE
        public Response delete(@Encoded @PathParam("path") String path) {
            return paths.delete(strip(path), PushMode.AGGREGATE);
        }
    }

    /** {@code /replace/metrics/job/...}: always the Pushgateway's semantics. */
    @Path("/replace/metrics{path: (/.*)?}")
    public static final class Replace {
        private final PushPaths paths;

        public Replace(PushPaths paths) {
            this.paths = paths;
        }

        @PUT
        public Response put(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(strip(path), PushMode.REPLACE, false, true, type, encoding, in);
        }

        @POST
        public Response post(@Encoded @PathParam("path") String path, @HeaderParam("Content-Type") String type,
                @HeaderParam("Content-Encoding") String encoding, InputStream in) {
            return paths.push(strip(path), PushMode.REPLACE, false, false, type, encoding, in);
        }

        @DELETE
        public Response delete(@Encoded @PathParam("path") String path) {
            return paths.delete(strip(path), PushMode.REPLACE);
        }
    }

    /** The path below {@code .../metrics}, without its leading slash. */
    private static String strip(String path) {
        return path == null || path.isEmpty() ? "" : path.substring(1);
    }
}
