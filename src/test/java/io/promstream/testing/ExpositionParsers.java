package io.promstream.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real parsers as judges of an exposition, given as the exact bytes served. Each check returns {@code null} when
 * the parser accepts the exposition, else the parser's error message; it throws {@link AssertionError} when the
 * parser cannot be run or does not answer within {@link #TIMEOUT} (never mistaken for a verdict).
 *
 * <ul>
 *   <li>{@link #promtoolText}: {@code promtool check metrics} (Debian's prometheus 2.42: the text 0.0.4 parser of
 *       prometheus/common's expfmt). Only parse errors count; promtool's lint findings are not rejections
 *       ({@link #promtool} returns both).</li>
 *   <li>{@link #pythonOpenMetrics} and {@link #pythonText}: {@code prometheus_client} 0.16 (Debian's
 *       python3-prometheus-client, run with {@code /usr/bin/python3}). The bytes are decoded as strict UTF-8
 *       first (the parsers take text; a byte sequence that is not UTF-8 is reported as such), the generator is
 *       consumed to the end so that errors found late (such as a missing {@code # EOF}) surface, and for
 *       OpenMetrics the last line must be {@code # EOF}. One Python process, started on first use, serves all
 *       checks of this JVM over framed stdin/stdout; the list overloads check many expositions in one go.</li>
 * </ul>
 */
public final class ExpositionParsers {
    /** The longest any single check may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PROMTOOL = "promtool";
    private static final String PROMTOOL_PARSE_ERROR = "error while linting: ";
    /** promtool 2.42 (cmd/promtool/main.go): 0 success, 1 failure (here: a parse error), 3 lint problems. */
    private static final int PROMTOOL_OK = 0;

    private static final int PROMTOOL_FAILURE = 1;
    private static final int PROMTOOL_LINT_PROBLEMS = 3;

    private static PythonProcess python;

    private ExpositionParsers() {}

    /** What {@code promtool check metrics} said: a parse error (null if none) and its lint findings. */
    public record PromtoolResult(String parseError, List<String> lintProblems) {}

    /** Parse error of {@code promtool check metrics} (text format 0.0.4), or null; lint findings are ignored. */
    public static String promtoolText(byte[] exposition) {
        return promtool(exposition).parseError();
    }

    /**
     * Runs {@code promtool check metrics} on the exposition (on stdin). promtool 2.42 prints everything on stderr:
     * on a parse error {@code error while linting: text format parsing error in line N: ...} with exit code 1,
     * and otherwise one line per lint problem ({@code <metric> <text>}) with exit code 3 if there are any.
     */
    public static PromtoolResult promtool(byte[] exposition) {
        Path stdout = null;
        Path stderr = null;
        Process process = null;
        try {
            stdout = Files.createTempFile("promtool-", ".out");
            stderr = Files.createTempFile("promtool-", ".err");
            try {
                process = new ProcessBuilder(PROMTOOL, "check", "metrics")
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError("promtool is required (apt-get install prometheus)", e);
            }
            Process started = process;
            // a thread of its own: promtool stops reading at the first parse error, and a full pipe must not
            // block this thread past the deadline
            Thread writer = new Thread(
                    () -> {
                        try (OutputStream in = started.getOutputStream()) {
                            in.write(exposition);
                        } catch (IOException ignored) {
                            // broken pipe: promtool has stopped reading; its exit code and output tell why
                        }
                    },
                    "promtool-stdin");
            writer.setDaemon(true);
            writer.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("promtool check metrics did not finish within " + TIMEOUT);
            }
            writer.join(TIMEOUT.toMillis());
            String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            String out = Files.readString(stdout, StandardCharsets.UTF_8).strip();
            int exit = process.exitValue();
            if (exit == PROMTOOL_OK || exit == PROMTOOL_LINT_PROBLEMS) {
                List<String> problems = err.isEmpty() ? List.of() : List.of(err.split("\n"));
                if (exit == PROMTOOL_LINT_PROBLEMS && problems.isEmpty()) {
                    throw new AssertionError("promtool exit 3 without lint problems; stdout: " + out);
                }
                return new PromtoolResult(null, problems);
            }
            if (exit == PROMTOOL_FAILURE && err.startsWith(PROMTOOL_PARSE_ERROR)) {
                return new PromtoolResult(
                        err.substring(PROMTOOL_PARSE_ERROR.length()).strip(), List.of());
            }
            throw new AssertionError("promtool check metrics failed unexpectedly (exit " + exit + "): " + err
                    + (out.isEmpty() ? "" : "; stdout: " + out));
        } catch (IOException e) {
            throw new AssertionError("cannot run promtool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running promtool", e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Error of prometheus_client's OpenMetrics parser (incl. a missing final {@code # EOF}), or null. */
    public static String pythonOpenMetrics(byte[] exposition) {
        return check(Format.OPENMETRICS, List.of(exposition)).get(0);
    }

    /** Error of prometheus_client's text 0.0.4 parser, or null. */
    public static String pythonText(byte[] exposition) {
        return check(Format.TEXT, List.of(exposition)).get(0);
    }

    /** {@link #pythonOpenMetrics(byte[])} for each exposition, in order, in one Python process. */
    public static List<String> pythonOpenMetrics(List<byte[]> expositions) {
        return check(Format.OPENMETRICS, expositions);
    }

    /** {@link #pythonText(byte[])} for each exposition, in order, in one Python process. */
    public static List<String> pythonText(List<byte[]> expositions) {
        return check(Format.TEXT, expositions);
    }

    /** The version of prometheus_client and the path of its OpenMetrics parser, as the Python process reported. */
    public static synchronized String pythonParserVersion() {
        return process().version;
    }

    private enum Format {
        OPENMETRICS("om"),
        TEXT("text");

        final String wire;

        Format(String wire) {
            this.wire = wire;
        }
    }

    private static synchronized List<String> check(Format format, List<byte[]> expositions) {
        List<String> verdicts = new ArrayList<>(expositions.size());
        for (byte[] exposition : expositions) {
            PythonProcess p = process();
            try {
                verdicts.add(p.check(format, exposition));
            } catch (AssertionError e) {
                python = null; // p killed itself; the next check starts a fresh process
                throw e;
            }
        }
        return verdicts;
    }

    private static PythonProcess process() {
        if (python == null || !python.process.isAlive()) {
            if (python != null) {
                python.kill();
            }
            python = new PythonProcess();
        }
        return python;
    }

    /**
     * The checker script. Protocol, all on binary stdin/stdout: the script first writes {@code READY <version>
     * <parser path>\n}; then per request it reads {@code <om|text> <length>\n} and that many bytes, and answers
     * {@code OK\n} or {@code ERR <length>\n} followed by that many bytes of UTF-8 message. It exits at end of
     * stdin, so it also ends when this JVM does.
     */
    private static final String SCRIPT = """
            import sys
            try:
                import importlib.metadata
                from prometheus_client import parser as text_parser
                from prometheus_client.openmetrics import parser as om_parser
                version = importlib.metadata.version('prometheus_client')
            except Exception as e:
                sys.stdout.write('FAIL %s: %s\\n' % (type(e).__name__, e))
                sys.stdout.flush()
                sys.exit(1)
            inp = sys.stdin.buffer
            out = sys.stdout.buffer

            def check(kind, data):
                try:
                    # the parsers take str; a consumer decodes first, strictly (prometheus_client 0.16 itself
                    # has only a TODO to check that label values are valid UTF-8)
                    text = data.decode('utf-8')
                except UnicodeDecodeError as e:
                    return 'not valid UTF-8: %s' % e
                try:
                    if kind == b'om':
                        # consume the whole generator: late errors (e.g. a missing # EOF) raise only at the end
                        for _ in om_parser.text_string_to_metric_families(text):
                            pass
                        lines = text.split('\\n')
                        if lines and lines[-1] == '':
                            lines.pop()
                        if not lines or lines[-1] != '# EOF':
                            return 'exposition does not end with "# EOF"'
                    elif kind == b'text':
                        for _ in text_parser.text_string_to_metric_families(text):
                            pass
                    else:
                        raise SystemExit('unknown format %r' % kind)
                except Exception as e:
                    return '%s: %s' % (type(e).__name__, e)
                return None

            out.write(('READY %s %s\\n' % (version, om_parser.__file__)).encode('utf-8'))
            out.flush()
            while True:
                header = inp.readline()
                if not header:
                    break
                kind, length = header.split()
                data = inp.read(int(length))
                if len(data) != int(length):
                    raise SystemExit('short frame')
                error = check(kind, data)
                if error is None:
                    out.write(b'OK\\n')
                else:
                    message = error.encode('utf-8', 'backslashreplace')
                    out.write(b'ERR %d\\n' % len(message))
                    out.write(message)
                out.flush()
            """;

    private static final class PythonProcess {
        final Process process;
        final Path stderr;
        final OutputStream in;
        final InputStream out;
        final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "python-exposition-parser");
            t.setDaemon(true);
            return t;
        });
        final String version;

        PythonProcess() {
            try {
                stderr = Files.createTempFile("python-parser-", ".err");
                stderr.toFile().deleteOnExit();
                process = new ProcessBuilder(PYTHON, "-I", "-c", SCRIPT)
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError(PYTHON + " is required (apt-get install python3-prometheus-client)", e);
            }
            in = process.getOutputStream();
            out = process.getInputStream();
            String ready = call(() -> readLine(out), "start");
            if (!ready.startsWith("READY ")) {
                kill();
                throw new AssertionError("python parser process did not start: " + ready + stderrText());
            }
            version = ready.substring("READY ".length());
        }

        String check(Format format, byte[] exposition) {
            return call(
                    () -> {
                        in.write((format.wire + " " + exposition.length + "\n").getBytes(StandardCharsets.US_ASCII));
                        in.write(exposition);
                        in.flush();
                        String status = readLine(out);
                        if (status.equals("OK")) {
                            return null;
                        }
                        if (status.startsWith("ERR ")) {
                            int length = Integer.parseInt(status.substring(4));
                            return new String(out.readNBytes(length), StandardCharsets.UTF_8);
                        }
                        throw new IOException("unexpected answer: " + status);
                    },
                    format.wire + " check");
        }

        private <T> T call(Callable<T> exchange, String what) {
            Future<T> answer = io.submit(exchange);
            try {
                return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                kill();
                throw new AssertionError(
                        "python parser did not answer (" + what + ") within " + TIMEOUT + stderrText());
            } catch (ExecutionException e) {
                kill();
                throw new AssertionError("python parser process failed (" + what + ")" + stderrText(), e.getCause());
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        void kill() {
            process.destroyForcibly();
            io.shutdownNow();
        }

        private String stderrText() {
            try {
                String text = Files.readString(stderr, StandardCharsets.UTF_8).strip();
                return text.isEmpty() ? "" : "; stderr: " + text;
            } catch (IOException e) {
                return "";
            }
        }

        private static String readLine(InputStream stream) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = stream.read(); b != '\n'; b = stream.read()) {
                if (b < 0) {
                    throw new EOFException(
                            "python parser process ended; read so far: " + line.toString(StandardCharsets.UTF_8));
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }
}
