package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1,500 connections from one address each dripping a push's body a byte at a time (issue 19, finding 4): they
 * cannot hold the server's threads, so the pushes of a well-behaved sender on another address are answered as
 * usual meanwhile (before: they waited up to the 30 s idle timeout). The bound is what the test checks, not a
 * speed: each push must be answered within 10 s, a third of the idle timeout.
 */
class SlowClientsIntegrationTest {
    private static final int DRIPPERS = 1500;
    private static final InetAddress LOOPBACK = address(127, 0, 0, 1);
    /** Another address of the loopback network: the slow clients come from it. */
    private static final InetAddress OTHER_CLIENT = address(127, 0, 0, 2);

    private static InetAddress address(int... bytes) {
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) bytes[0], (byte) bytes[1], (byte) bytes[2], (byte) bytes[3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    @Test
    void slowClientsCannotHoldUpTheOthers() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        List<Socket> drippers = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            byte[] head = ("POST /api/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n[")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < DRIPPERS; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(OTHER_CLIENT, 0)); // another client than the sender below
                socket.connect(new InetSocketAddress(LOOPBACK, APP.getLocalPort()), 5000);
                socket.getOutputStream().write(head);
                socket.getOutputStream().flush();
                drippers.add(socket);
            }
            var unused = drip.scheduleAtFixedRate(
                    () -> {
                        for (Socket socket : drippers) {
                            try {
                                OutputStream out = socket.getOutputStream();
                                out.write(' ');
                                out.flush();
                            } catch (IOException closedByTheServer) {
                                // dropped: what the bound is for
                            }
                        }
                    },
                    500,
                    500,
                    TimeUnit.MILLISECONDS);

            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                HttpResponse<String> reply = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/api/metrics"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"type\":\"counter\",\"name\":\"well_behaved\",\"value\":1}"))
                                .build());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                assertThat(millis)
                        .as("push %d answered while %d clients drip their bodies", i, DRIPPERS)
                        .isLessThan(10_000);
            }
            assertThat(client.value("well_behaved_total")).isEqualTo(20);
        } finally {
            drip.shutdownNow();
            for (Socket socket : drippers) {
                socket.close();
            }
        }
    }
}
