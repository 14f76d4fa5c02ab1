package io.promstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.builders.ClusterClientBuilder;

/**
 * A real Redis Cluster of {@code redis-server} processes on loopback: by default 3 masters with one replica
 * each, every node on a free port with an explicit, also free, cluster bus port ({@code --cluster-port}), in
 * its own temporary directory, without persistence (only the cluster's own {@code nodes.conf}, which a
 * restarted node needs to rejoin). The cluster is made with {@code redis-cli --cluster create}.
 * <p>
 * Made for failure tests: a short node timeout (1 s by default) and {@code cluster-replica-validity-factor 0}
 * let a replica take over about two seconds after its master dies, however long ago it last heard from it;
 * {@code cluster-require-full-coverage no} keeps the other shards serving meanwhile (pass
 * {@code "--cluster-require-full-coverage", "yes"} as an extra argument for Redis' default, under which every
 * node answers CLUSTERDOWN until the failover is done: later arguments win).
 * <p>
 * Nodes are named by their ports. Every wait polls with a deadline ({@link Await}) and fails with what it
 * last saw. A start that fails leaves no process behind; {@link #close()} kills every node and deletes the
 * directories.
 */
public final class RedisCluster implements AutoCloseable {
    public static final int SLOTS = 16384;
    private static final String HOST = "127.0.0.1";
    private static final int QUERY_TIMEOUT_MILLIS = 1000;
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(10);

    private final int masterCount;
    private final int replicasPerMaster;
    private final Duration nodeTimeout;
    private final List<String> extraArgs;
    private final Path root;
    private final List<Node> nodes = new ArrayList<>();
    /** Node ids of each master's replicas, noted when it was killed or paused: the candidates to replace it. */
    private final Map<Integer, Set<String>> replicasWhenLost = new ConcurrentHashMap<>();

    private ScheduledExecutorService resumer;
    private boolean started;
    private boolean closed;

    /** 3 masters with one replica each, node timeout 1 s; {@code extraArgs} go to every node. */
    public RedisCluster(String... extraArgs) {
        this(3, 1, Duration.ofMillis(1000), extraArgs);
    }

    /**
     * {@code masters} (at least 3, as {@code redis-cli --cluster create} insists) with {@code replicasPerMaster}
     * replicas each; {@code nodeTimeout} is {@code cluster-node-timeout}, the time a node may be unreachable
     * before it counts as failed. {@code extraArgs} go to every node, after this class' own arguments, so
     * they override them (e.g. {@code "--enable-debug-command", "yes"} for DEBUG SLEEP).
     */
    public RedisCluster(int masters, int replicasPerMaster, Duration nodeTimeout, String... extraArgs) {
        if (masters < 3) {
            throw new IllegalArgumentException("Redis Cluster needs at least 3 masters, not " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("negative replicas per master: " + replicasPerMaster);
        }
        this.masterCount = masters;
        this.replicasPerMaster = replicasPerMaster;
        this.nodeTimeout = nodeTimeout;
        this.extraArgs = List.of(extraArgs);
        try {
            this.root = Files.createTempDirectory("redis-cluster-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the nodes, creates the cluster and waits until it is healthy ({@link #awaitHealthy}). Does
     * nothing when already started. A failed start closes this cluster (no process, no directory left) before
     * the error is thrown.
     */
    public synchronized RedisCluster start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (started) {
            return this;
        }
        try {
            int count = masterCount * (1 + replicasPerMaster);
            List<Integer> ports = freePorts(2 * count);
            for (int i = 0; i < count; i++) {
                Path dir = root.resolve("node-" + i);
                Files.createDirectories(dir);
                nodes.add(new Node(dir, ports.get(2 * i), ports.get(2 * i + 1)));
            }
            for (Node node : nodes) {
                launchWithFreshPortsIfTaken(node);
                try (Jedis jedis = connect(node.port)) {
                    node.id = jedis.clusterMyId();
                }
            }
            createCluster();
            started = true;
            awaitHealthy(Duration.ofSeconds(30));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            close(); // leave no process behind when the start failed
            throw e;
        }
        return this;
    }

    /** {@code 127.0.0.1:port} of every node, whatever its state: seeds for a cluster client. */
    public List<String> seeds() {
        return nodes.stream().map(n -> HOST + ":" + n.port).collect(Collectors.toList());
    }

    /** {@link #seeds()} as Jedis wants them. */
    public Set<HostAndPort> hostsAndPorts() {
        return nodes.stream()
                .map(n -> new HostAndPort(HOST, n.port))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The ports of all nodes, whatever their state and role. */
    public List<Integer> ports() {
        return nodes.stream().map(n -> n.port).collect(Collectors.toList());
    }

    /**
     * Ports of the running nodes that serve slots as masters, as CLUSTER NODES on a running, unpaused node
     * says now (so a master killed a moment ago is left out, and one that has not noticed its demotion yet
     * may be counted).
     */
    public List<Integer> masters() {
        return view().stream()
                .filter(l -> l.isMaster() && !l.slots.isEmpty() && isRunning(l.port))
                .map(l -> l.port)
                .sorted()
                .collect(Collectors.toList());
    }

    /** Ports of the running nodes that are replicas, as CLUSTER NODES on a running, unpaused node says now. */
    public List<Integer> replicas() {
        return view().stream()
                .filter(l -> l.isReplica() && isRunning(l.port))
                .map(l -> l.port)
                .sorted()
                .collect(Collectors.toList());
    }

    /** The hash slot of {@code key} (CLUSTER KEYSLOT: hash tags count). */
    public int slotOf(String key) {
        try (Jedis jedis = connect(anyReachable().port)) {
            return (int) jedis.clusterKeySlot(key);
        }
    }

    /**
     * The port of the master serving {@code key}'s slot by the cluster's configuration (CLUSTER NODES on a
     * running node): before a failover that is the dead master still.
     */
    public int masterOf(String key) {
        Node asked = anyReachable();
        try (Jedis jedis = connect(asked.port)) {
            int slot = (int) jedis.clusterKeySlot(key);
            return parseNodes(jedis.clusterNodes()).stream()
                    .filter(l -> l.isMaster() && l.serves(slot))
                    .findFirst()
                    .map(l -> l.port)
                    .orElseThrow(() -> new IllegalStateException(
                            "no master serves slot " + slot + " (key " + key + ") according to node " + asked.port));
        }
    }

    /** The ports of the replicas of the master on {@code masterPort}, as a running node sees them now. */
    public List<Integer> replicasOf(int masterPort) {
        Node master = node(masterPort);
        return view().stream()
                .filter(l -> master.id.equals(l.masterId))
                .map(l -> l.port)
                .sorted()
                .collect(Collectors.toList());
    }

    /**
     * Kills (SIGKILL) the master on {@code port}, noting its replicas for {@link #awaitFailover}. Returns once
     * the process is gone.
     */
    public void killMaster(int port) {
        Node node = node(port);
        rememberReplicasOfMaster(node);
        kill(port);
    }

    /** {@link #killMaster} the master of {@code key}'s slot; returns its port. */
    public int killMasterOf(String key) {
        int port = masterOf(key);
        killMaster(port);
        return port;
    }

    /** Kills (SIGKILL) the node on {@code port}, whatever its role; returns once the process is gone. */
    public void kill(int port) {
        Node node = node(port);
        Pause pause = node.pause;
        if (pause != null) {
            pause.cancel(); // SIGKILL works on a stopped process; nothing left to resume
        }
        Process process = node.process;
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        node.process = null;
    }

    /** {@link #awaitFailover(int, Duration)} with a deadline of 20 s plus four node timeouts. */
    public int awaitFailover(int lostMasterPort) {
        return awaitFailover(lostMasterPort, Duration.ofSeconds(20).plus(nodeTimeout.multipliedBy(4)));
    }

    /**
     * Waits until one of the replicas that the master on {@code lostMasterPort} had when it was killed
     * ({@link #killMaster}) or paused ({@link #pause}) serves its slots as master in the view of every running,
     * unpaused node, and the cluster is stable there ({@link #awaitStable}: state ok, all slots served, views
     * agree). Returns the new master's port.
     */
    public int awaitFailover(int lostMasterPort, Duration timeout) {
        Set<String> candidates = replicasWhenLost.get(lostMasterPort);
        if (candidates == null) {
            throw new IllegalStateException(
                    "node " + lostMasterPort + " was not lost as a master through killMaster or pause");
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("master " + lostMasterPort + " had no replica to take over");
        }
        String lostId = node(lostMasterPort).id;
        AtomicReference<Integer> promoted = new AtomicReference<>();
        awaitCondition(timeout, "failover of master " + lostMasterPort, () -> {
            Integer winner = null;
            for (Node node : reachableNodes()) {
                List<NodeLine> view = parseNodes(query(node, Jedis::clusterNodes));
                for (NodeLine line : view) {
                    if (line.id.equals(lostId) && !line.slots.isEmpty()) {
                        return "node " + node.port + " still sees " + lostMasterPort + " serving slots";
                    }
                }
                NodeLine replacement = view.stream()
                        .filter(l -> candidates.contains(l.id) && l.isMaster() && !l.slots.isEmpty())
                        .findFirst()
                        .orElse(null);
                if (replacement == null) {
                    return "node " + node.port + " sees none of " + lostMasterPort + "'s replicas as master";
                }
                if (winner != null && winner != replacement.port) {
                    return "nodes disagree on the new master: " + winner + " and " + replacement.port;
                }
                winner = replacement.port;
            }
            promoted.set(winner);
            return stabilityProblem();
        });
        return promoted.get();
    }

    /**
     * Stops the node with SIGSTOP, so it neither answers clients nor speaks on the cluster bus, and resumes it
     * with SIGCONT after {@code duration} (or {@link Pause#resume()} earlier). Returns once the process is
     * stopped. A master paused longer than the node timeout is replaced by a replica
     * ({@link #awaitFailover}) and rejoins as a replica once resumed. Paused nodes are left out of every
     * check of this class until they resume.
     */
    public Pause pause(int port, Duration duration) {
        Node node = node(port);
        if (node.process == null) {
            throw new IllegalStateException("node " + port + " is not running");
        }
        if (node.pause != null) {
            throw new IllegalStateException("node " + port + " is paused already");
        }
        try {
            rememberReplicasOfMaster(node);
        } catch (IllegalArgumentException notAMaster) {
            // a replica: nothing to fail over
        }
        Pause pause = new Pause(node, node.process);
        node.pause = pause;
        signal(node.process, "STOP");
        Await.until(PROCESS_TIMEOUT, () -> isStopped(pause.process), () -> "node " + port + " did not stop on SIGSTOP");
        pause.scheduled = scheduler().schedule(pause::resume, duration.toMillis(), TimeUnit.MILLISECONDS);
        return pause;
    }

    /**
     * Brings a killed node back on its ports with its {@code nodes.conf}: a master that was replaced rejoins as
     * a replica of its replacement. Waits until it answers and {@link #awaitStable} holds. Does nothing for a
     * running node.
     */
    public void restart(int port) {
        Node node = node(port);
        if (node.process != null && node.process.isAlive()) {
            return;
        }
        try {
            node.process = launch(node);
            awaitAnswers(node);
        } catch (RuntimeException | AssertionError e) {
            kill(port);
            throw e;
        }
        awaitStable(Duration.ofSeconds(20).plus(nodeTimeout.multipliedBy(4)));
    }

    /** Resumes paused nodes, restarts killed ones and waits until the cluster is healthy again. */
    public void heal() {
        for (Node node : nodes) {
            Pause pause = node.pause;
            if (pause != null) {
                pause.resume();
            }
            if (node.process == null || !node.process.isAlive()) {
                node.process = launch(node);
            }
        }
        for (Node node : nodes) {
            awaitAnswers(node); // on failure close() still kills them all
        }
        awaitHealthy(Duration.ofSeconds(30));
    }

    /**
     * Waits until every running, unpaused node says cluster_state:ok with all slots assigned and served,
     * none of them sees another such node as failing or unlinked or in another role than it claims itself,
     * they agree which master serves which slots, and each of them that is a replica has its replication link
     * up.
     */
    public void awaitStable(Duration timeout) {
        awaitCondition(timeout, "a stable cluster", this::stabilityProblem);
    }

    /**
     * {@link #awaitStable} with every node running and unpaused, all nodes known to each other, the configured
     * number of masters and each master with its replicas online.
     */
    public void awaitHealthy(Duration timeout) {
        awaitCondition(timeout, "a healthy cluster", this::healthProblem);
    }

    /** A cluster client with Jedis' defaults (2 s timeouts, 5 attempts within 10 s), seeded with every node. */
    @SuppressWarnings("deprecation") // JedisCluster is deprecated for RedisClusterClient in Jedis 8; same engine
    public JedisCluster client() {
        return clientBuilder().build();
    }

    /**
     * A builder seeded with every node, to set e.g. {@code clientConfig}, {@code maxAttempts},
     * {@code maxTotalRetriesDuration} or {@code topologyRefreshPeriod} before {@code build()}.
     */
    @SuppressWarnings("deprecation")
    public ClusterClientBuilder<JedisCluster> clientBuilder() {
        return JedisCluster.builder().nodes(hostsAndPorts());
    }

    /**
     * FLUSHALL on every running master, then WAIT until its online replicas have done it too, so a later
     * failover does not bring keys back.
     */
    public void flushAll() {
        for (Node node : reachableNodes()) {
            try (Jedis jedis = connect(node.port)) {
                Map<String, String> replication = infoFields(jedis.info("replication"));
                if (!"master".equals(replication.get("role"))) {
                    continue;
                }
                jedis.flushAll();
                int online = onlineReplicas(replication);
                if (online > 0) {
                    long acknowledged = jedis.waitReplicas(online, 5000);
                    if (acknowledged < online) {
                        throw new AssertionError("only " + acknowledged + " of " + online + " replicas of " + node.port
                                + " acknowledged FLUSHALL");
                    }
                }
            }
        }
    }

    /**
     * A plain connection to the node on {@code port} (no redirections: keys of other nodes' slots get MOVED);
     * close it.
     */
    public Jedis nodeClient(int port) {
        node(port);
        return new Jedis(HOST, port, nodeConfig(5000));
    }

    /** The output of the node on {@code port} so far, for diagnostics. */
    public String log(int port) {
        return readLog(node(port));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (resumer != null) {
            resumer.shutdownNow();
        }
        killAll();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort, like RedisServer
        }
    }

    /** A node paused by {@link #pause}; {@link #resume()} (or close) ends the pause early. */
    public static final class Pause implements AutoCloseable {
        private final Node node;
        private final Process process;
        private volatile ScheduledFuture<?> scheduled;
        private boolean over;

        private Pause(Node node, Process process) {
            this.node = node;
            this.process = process;
        }

        public int port() {
            return node.port;
        }

        /** Sends SIGCONT unless done already, and returns once the process runs again. */
        public void resume() {
            synchronized (this) {
                if (over) {
                    return;
                }
                over = true;
                if (process.isAlive()) {
                    signal(process, "CONT");
                    Await.until(
                            PROCESS_TIMEOUT,
                            () -> !process.isAlive() || !isStopped(process),
                            () -> "node " + node.port + " did not continue on SIGCONT");
                }
                node.pause = null;
            }
            ScheduledFuture<?> pending = scheduled;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        /** Whether the node has been resumed (or killed). */
        public synchronized boolean isOver() {
            return over;
        }

        private synchronized void cancel() {
            over = true;
            node.pause = null;
            ScheduledFuture<?> pending = scheduled;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        @Override
        public void close() {
            resume();
        }
    }

    private static final class Node {
        final Path dir;
        volatile int port;
        volatile int busPort;
        volatile String id;
        volatile Process process;
        volatile Pause pause;

        Node(Path dir, int port, int busPort) {
            this.dir = dir;
            this.port = port;
            this.busPort = busPort;
        }
    }

    /** One line of CLUSTER NODES. */
    private static final class NodeLine {
        final String id;
        final int port;
        final Set<String> flags;
        final String masterId;
        final boolean linked;
        final List<int[]> slots = new ArrayList<>();

        NodeLine(String line) {
            String[] fields = line.trim().split(" ");
            id = fields[0];
            String address = fields[1]; // ip:port@cport[,hostname]
            String hostPort = address.substring(0, address.indexOf('@'));
            port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            flags = Set.of(fields[2].split(","));
            masterId = fields[3];
            linked = "connected".equals(fields[7]);
            for (int i = 8; i < fields.length; i++) {
                String range = fields[i];
                if (range.startsWith("[")) {
                    continue; // a slot being imported or migrated
                }
                int dash = range.indexOf('-');
                slots.add(
                        dash < 0
                                ? new int[] {Integer.parseInt(range), Integer.parseInt(range)}
                                : new int[] {
                                    Integer.parseInt(range.substring(0, dash)),
                                    Integer.parseInt(range.substring(dash + 1))
                                });
            }
        }

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean isReplica() {
            return flags.contains("slave");
        }

        boolean isMyself() {
            return flags.contains("myself");
        }

        boolean failing() {
            return flags.contains("fail")
                    || flags.contains("fail?")
                    || flags.contains("handshake")
                    || flags.contains("noaddr");
        }

        /** "master" or "replica of ID". */
        String role() {
            return isMaster() ? "master" : "replica of " + masterId;
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        String slotsText() {
            return slots.stream().map(r -> r[0] + "-" + r[1]).collect(Collectors.joining(","));
        }
    }

    private void createCluster() throws IOException {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
        command.addAll(seeds());
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        Path log = root.resolve("cluster-create.log");
        Process cli;
        try {
            cli = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli (install it: apt-get install redis-tools)", e);
        }
        try {
            if (!cli.waitFor(30, TimeUnit.SECONDS)) {
                cli.destroyForcibly().waitFor();
                throw new AssertionError("redis-cli --cluster create took over 30 s; output: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            cli.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (cli.exitValue() != 0) {
            throw new AssertionError(
                    "redis-cli --cluster create failed (" + cli.exitValue() + "): " + Files.readString(log));
        }
    }

    /**
     * Launches a node; when it dies at once (its port, picked free a moment ago, was taken meanwhile), picks
     * fresh ports and tries again, a few times. Only for the first start, before the cluster knows the ports.
     */
    private void launchWithFreshPortsIfTaken(Node node) {
        for (int attempt = 1; ; attempt++) {
            node.process = launch(node);
            try {
                awaitAnswers(node);
                return;
            } catch (AssertionError e) {
                kill(node.port);
                if (attempt == 3 || !readLog(node).contains("Address already in use")) {
                    throw e;
                }
                List<Integer> fresh = freePorts(2);
                node.port = fresh.get(0);
                node.busPort = fresh.get(1);
            }
        }
    }

    private Process launch(Node node) {
        List<String> command = new ArrayList<>(List.of(
                serverBinary(),
                "--port",
                Integer.toString(node.port),
                "--cluster-port",
                Integer.toString(node.busPort),
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                node.dir.resolve("nodes.conf").toString(),
                "--cluster-node-timeout",
                Long.toString(nodeTimeout.toMillis()),
                "--cluster-replica-validity-factor",
                "0",
                "--cluster-require-full-coverage",
                "no",
                "--bind",
                HOST,
                "--protected-mode",
                "no",
                "--dir",
                node.dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                // full syncs at once and through memory: no 5 s gathering delay, no RDB file on either side
                "--repl-diskless-sync",
                "yes",
                "--repl-diskless-sync-delay",
                "0",
                "--repl-diskless-load",
                "swapdb"));
        command.addAll(extraArgs);
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            node.dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (install it: apt-get install redis-server)", e);
        }
    }

    private void awaitAnswers(Node node) {
        Process process = node.process;
        Await.until(
                PROCESS_TIMEOUT,
                () -> !process.isAlive() || answersPing(node.port),
                () -> "redis-server did not answer on port " + node.port + "; log: " + readLog(node));
        if (!process.isAlive()) {
            throw new AssertionError("redis-server on port " + node.port + " exited with " + process.exitValue()
                    + "; log: " + readLog(node));
        }
    }

    private static boolean answersPing(int port) {
        try (Jedis jedis = new Jedis(HOST, port, nodeConfig(500))) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void awaitCondition(Duration timeout, String what, Supplier<String> problem) {
        AtomicReference<String> last = new AtomicReference<>("not checked yet");
        Await.until(
                timeout,
                () -> {
                    String found;
                    try {
                        found = problem.get();
                    } catch (RuntimeException e) {
                        found = e.toString();
                    }
                    last.set(found);
                    return found == null;
                },
                () -> "waiting for " + what + ": " + last.get() + "\n" + describe());
    }

    private String healthProblem() {
        for (Node node : nodes) {
            if (node.process == null || !node.process.isAlive()) {
                return "node " + node.port + " is not running";
            }
            if (node.pause != null) {
                return "node " + node.port + " is paused";
            }
        }
        String problem = stabilityProblem();
        if (problem != null) {
            return problem;
        }
        for (Node node : nodes) {
            Map<String, String> info = infoFields(query(node, Jedis::clusterInfo));
            if (!Integer.toString(nodes.size()).equals(info.get("cluster_known_nodes"))) {
                return "node " + node.port + " knows " + info.get("cluster_known_nodes") + " nodes of " + nodes.size();
            }
            Map<String, String> replication = infoFields(query(node, j -> j.info("replication")));
            if ("master".equals(replication.get("role"))) {
                int online = onlineReplicas(replication);
                if (online < replicasPerMaster) {
                    return "master " + node.port + " has " + online + " replicas online of " + replicasPerMaster;
                }
            }
        }
        long servingMasters = parseNodes(query(nodes.get(0), Jedis::clusterNodes)).stream()
                .filter(l -> l.isMaster() && !l.slots.isEmpty())
                .count();
        if (servingMasters != masterCount) {
            return servingMasters + " masters serve slots, not " + masterCount;
        }
        return null;
    }

    private String stabilityProblem() {
        List<Node> reachable = reachableNodes();
        if (reachable.isEmpty()) {
            return "no node is running";
        }
        Map<Integer, List<NodeLine>> views = new HashMap<>();
        Map<Integer, String> ownRoles = new HashMap<>(); // what each node says it is
        for (Node node : reachable) {
            Map<String, String> info = infoFields(query(node, Jedis::clusterInfo));
            if (!"ok".equals(info.get("cluster_state"))
                    || !Integer.toString(SLOTS).equals(info.get("cluster_slots_assigned"))
                    || !Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))) {
                return "node " + node.port + ": cluster_state:" + info.get("cluster_state") + " slots assigned "
                        + info.get("cluster_slots_assigned") + ", ok " + info.get("cluster_slots_ok");
            }
            List<NodeLine> view = parseNodes(query(node, Jedis::clusterNodes));
            NodeLine self = view.stream()
                    .filter(NodeLine::isMyself)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no myself line from " + node.port));
            views.put(node.port, view);
            ownRoles.put(node.port, self.role());
            if (self.isReplica()) {
                Map<String, String> replication = infoFields(query(node, j -> j.info("replication")));
                if (!"up".equals(replication.get("master_link_status"))) {
                    return "replica " + node.port + " has its link to its master "
                            + replication.get("master_link_status");
                }
            }
        }
        String agreed = null;
        int agreedBy = 0;
        for (Map.Entry<Integer, List<NodeLine>> entry : views.entrySet()) {
            int port = entry.getKey();
            for (NodeLine line : entry.getValue()) {
                String own = ownRoles.get(line.port);
                if (line.isMyself() || own == null) {
                    continue; // itself, or a node that is down or paused
                }
                if (line.failing() || !line.linked) {
                    return "node " + port + " sees " + line.port + " as " + String.join(",", line.flags)
                            + (line.linked ? "" : ", disconnected");
                }
                if (!own.equals(line.role())) {
                    return "node " + port + " sees " + line.port + " as " + line.role() + ", which says it is " + own;
                }
            }
            String owners = entry.getValue().stream()
                    .filter(l -> l.isMaster() && !l.slots.isEmpty())
                    .map(l -> l.port + ":" + l.slotsText())
                    .sorted()
                    .collect(Collectors.joining(" "));
            if (agreed == null) {
                agreed = owners;
                agreedBy = port;
            } else if (!agreed.equals(owners)) {
                return "node " + port + " sees slots served by " + owners + ", node " + agreedBy + " by " + agreed;
            }
        }
        return null;
    }

    private void rememberReplicasOfMaster(Node node) {
        if (node.process == null) {
            throw new IllegalStateException("node " + node.port + " is not running");
        }
        List<NodeLine> view = view();
        NodeLine line = view.stream()
                .filter(l -> l.id.equals(node.id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("node " + node.port + " is not in the cluster"));
        if (!line.isMaster() || line.slots.isEmpty()) {
            throw new IllegalArgumentException(
                    "node " + node.port + " is not a master serving slots: " + String.join(",", line.flags));
        }
        replicasWhenLost.put(
                node.port,
                view.stream()
                        .filter(l -> node.id.equals(l.masterId))
                        .map(l -> l.id)
                        .collect(Collectors.toSet()));
    }

    /** CLUSTER NODES from a running, unpaused node. */
    private List<NodeLine> view() {
        return parseNodes(query(anyReachable(), Jedis::clusterNodes));
    }

    private Node anyReachable() {
        List<Node> reachable = reachableNodes();
        if (reachable.isEmpty()) {
            throw new IllegalStateException("no node is running and unpaused");
        }
        return reachable.get(0);
    }

    private List<Node> reachableNodes() {
        return nodes.stream()
                .filter(n -> n.pause == null && n.process != null && n.process.isAlive())
                .collect(Collectors.toList());
    }

    private boolean isRunning(int port) {
        return nodes.stream().anyMatch(n -> n.port == port && n.process != null && n.process.isAlive());
    }

    private Node node(int port) {
        return nodes.stream()
                .filter(n -> n.port == port)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node on port " + port + "; nodes: " + ports()));
    }

    private static <T> T query(Node node, Function<Jedis, T> command) {
        try (Jedis jedis = connect(node.port)) {
            return command.apply(jedis);
        }
    }

    private static Jedis connect(int port) {
        return new Jedis(HOST, port, nodeConfig(QUERY_TIMEOUT_MILLIS));
    }

    /**
     * RESP2, stated: a plain Jedis left to auto-negotiate logs a warning per connection in Jedis 8 (and
     * falls back to RESP2 anyway).
     */
    private static JedisClientConfig nodeConfig(int timeoutMillis) {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .serverDefaultProtocol()
                .build();
    }

    private static List<NodeLine> parseNodes(String clusterNodes) {
        return clusterNodes.lines().filter(l -> !l.isBlank()).map(NodeLine::new).collect(Collectors.toList());
    }

    private static Map<String, String> infoFields(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static int onlineReplicas(Map<String, String> replication) {
        return (int) replication.entrySet().stream()
                .filter(e -> e.getKey().matches("slave\\d+") && e.getValue().contains("state=online"))
                .count();
    }

    /** Each node's port, state and own CLUSTER NODES line, for failure messages. */
    private String describe() {
        StringBuilder text = new StringBuilder("nodes:");
        for (Node node : nodes) {
            text.append("\n  ")
                    .append(node.port)
                    .append(" (bus ")
                    .append(node.busPort)
                    .append("): ");
            if (node.process == null || !node.process.isAlive()) {
                text.append("down");
            } else if (node.pause != null) {
                text.append("paused");
            } else {
                try {
                    String self = query(node, Jedis::clusterNodes)
                            .lines()
                            .filter(l -> l.contains("myself"))
                            .findFirst()
                            .orElse("?");
                    text.append(self);
                } catch (RuntimeException e) {
                    text.append(e);
                }
            }
        }
        return text.toString();
    }

    private void killAll() {
        for (Node node : nodes) {
            Pause pause = node.pause;
            if (pause != null) {
                pause.cancel();
            }
            Process process = node.process;
            if (process != null) {
                process.destroyForcibly();
            }
        }
        for (Node node : nodes) {
            Process process = node.process;
            if (process != null) {
                try {
                    process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                node.process = null;
            }
        }
    }

    private synchronized ScheduledExecutorService scheduler() {
        if (resumer == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "redis-cluster-resume");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            resumer = executor;
        }
        return resumer;
    }

    private static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the process is stopped by a signal: state T in /proc/PID/stat. */
    private static boolean isStopped(Process process) {
        try {
            String stat = readProcFile(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return afterName.startsWith("T");
        } catch (IOException e) {
            return false; // gone
        }
    }

    /**
     * A /proc file, read as a stream: such files claim size 0, and Files.readString, going by that size, may
     * return just their first byte.
     */
    private static String readProcFile(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String readLog(Node node) {
        try {
            return Files.readString(node.dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * {@code count} distinct ports free on loopback now, below the kernel's ephemeral range when there is room
     * (ports in that range, free while their node is down, could become the local port of some outgoing
     * connection and keep a restarted node from binding). All are held open together, so none repeats.
     */
    static List<Integer> freePorts(int count) {
        int low = 10000;
        int high = ephemeralRangeStart() - 1;
        List<ServerSocket> held = new ArrayList<>();
        Set<Integer> ports = new TreeSet<>();
        try {
            for (int tries = 0; ports.size() < count && tries < 50 * count; tries++) {
                int candidate = high - low >= 1000 ? ThreadLocalRandom.current().nextInt(low, high + 1) : 0;
                ServerSocket socket = new ServerSocket();
                try {
                    socket.setReuseAddress(false);
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate), 1);
                } catch (IOException taken) {
                    socket.close();
                    continue;
                }
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket we own
                }
            }
        }
        if (ports.size() < count) {
            throw new IllegalStateException("found only " + ports.size() + " free ports of " + count);
        }
        List<Integer> shuffled = new ArrayList<>(ports);
        Collections.shuffle(shuffled);
        return shuffled;
    }

    private static int ephemeralRangeStart() {
        try {
            String range = readProcFile(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768; // Linux' default
        }
    }

    private static String serverBinary() {
        String fromEnv = System.getenv("REDIS_SERVER");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "redis-server";
    }

    private static String cliBinary() {
        String fromEnv = System.getenv("REDIS_CLI");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "redis-cli";
    }
}
