package io.promstream.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence, in a temporary
 * directory. Can be stopped and started again on the same port to simulate an outage. Optionally TLS-only
 * ({@link #tls}) and with credentials for its own clients ({@link #withCredentials}, for servers configured
 * with ACL users through {@code extraArgs}).
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final TestCertificates tls;
    private String user;
    private String password;
    private Process process;

    public RedisServer(String... extraArgs) {
        this(null, extraArgs);
    }

    private RedisServer(TestCertificates tls, String... extraArgs) {
        this.port = freePort();
        this.extraArgs = List.of(extraArgs);
        this.tls = tls;
        try {
            this.dir = Files.createTempDirectory("redis-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server that speaks only TLS (no plain port), presenting {@code certificates}' server certificate. */
    public static RedisServer tls(TestCertificates certificates, String... extraArgs) {
        return new RedisServer(certificates, extraArgs);
    }

    /**
     * The user and password that {@link #client()} and the start-up check log in with (for a server whose
     * {@code extraArgs} define ACL users, e.g. {@code "--user", "default", "off", "--user", "gw", "on", ">pw",
     * "~*", "+@all"}). Call before {@link #start()}.
     */
    public RedisServer withCredentials(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> command = new ArrayList<>(List.of(binary()));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
            command.addAll(tls.redisArgs());
        }
        command.addAll(List.of(
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--protected-mode",
                "no"));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (install it: apt-get install redis-server)", e);
        }
        try {
            Await.until(
                    Duration.ofSeconds(10),
                    this::answersPing,
                    () -> "redis-server did not answer on port " + port + "; log: " + readLog());
        } catch (AssertionError e) {
            stop(); // leave no process behind when the start failed
            throw e;
        }
        return this;
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File f : files) {
                f.delete();
            }
        }
        dir.toFile().delete();
    }

    /**
     * Whether the server answers: a PONG, or (when it wants credentials this object was not given) a refusal,
     * which proves it is up just as well.
     */
    public boolean answersPing() {
        try (Jedis jedis = connect(500)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisDataException e) {
            return true; // NOAUTH, WRONGPASS: an answer from a running server
        } catch (RuntimeException e) {
            return false;
        }
    }

    public boolean isTls() {
        return tls != null;
    }

    public int port() {
        return port;
    }

    /** {@code redis://} (or {@code rediss://} for a TLS server) on 127.0.0.1, database 0, no credentials. */
    public String uri() {
        return (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port + "/0";
    }

    /** {@link #uri()} with {@code user:password@} (URL-encode them if they need it). */
    public String uri(String uriUser, String uriPassword) {
        return (tls == null ? "redis" : "rediss") + "://" + uriUser + ":" + uriPassword + "@127.0.0.1:" + port + "/0";
    }

    /** A fresh connection (over TLS and logged in, when so configured); close it. */
    public Jedis client() {
        return connect(5000);
    }

    private Jedis connect(int timeoutMillis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .protocol(RedisProtocol.RESP2)
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .user(user)
                .password(password);
        if (tls != null) {
            // trusts only the test CA; no hostname check, so a certificate made for another name serves too
            config.ssl(true).sslSocketFactory(tls.socketFactory()).sslParameters(new SSLParameters());
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String binary() {
        String fromEnv = System.getenv("REDIS_SERVER");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "redis-server";
    }
}
