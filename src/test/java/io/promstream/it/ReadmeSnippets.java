package io.promstream.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Snippets the documentation gives, read from it so the documentation is what gets tested. */
final class ReadmeSnippets {
    /** The Lua script of the README's dead-letter replay command. */
    static final String REPLAY_LUA = replayLua();

    private ReadmeSnippets() {}

    private static String replayLua() {
        try {
            String readme = Files.readString(Path.of("docs", "operations.md"));
            Matcher m = Pattern.compile("redis-cli EVAL \"([^\"]+)\" 2 prom-stream-gateway:dead-letter")
                    .matcher(readme);
            if (!m.find()) {
                throw new IllegalStateException("docs/operations.md has no dead-letter replay command");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
