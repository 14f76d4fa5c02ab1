package io.promstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rooms a newcomer can find: no fully qualified name written inline (but where two types of one simple name meet
 * in one file), no constructor of main code over 7 parameters, no main class over 300 lines. The classes that still
 * break a rule are listed here, to be taken off as they are split; a listed class that keeps the rule fails too,
 * so the list only shrinks.
 */
class CodeShapeTest {
    private static final Pattern FQN =
            Pattern.compile("(?<![\\w.@{#])((?:java|javax|jakarta|io|redis|com|org)\\.(?:[a-z_]\\w*\\.)+([A-Z]\\w*))");
    private static final int MAX_PARAMETERS = 7;
    private static final int MAX_LINES = 300;
    /** Still over 7 parameters: to be given parameter objects. */
    private static final Set<String> WIDE =
            Set.of("StatusResource.Status", "QueuedPush", "QueuedPush.Header", "SeriesSnapshot");
    /** Still over 300 lines: to be split. */
    private static final Set<String> LONG = Set.of();

    private static List<Path> sources(String root) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of(root))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The lines that are code: not imports, package, comments or Javadoc. */
    private static List<String> code(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        boolean comment = false;
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("/*")) {
                comment = true;
            }
            if (comment) {
                comment = !trimmed.contains("*/");
                continue;
            }
            if (!trimmed.startsWith("import ") && !trimmed.startsWith("package ") && !trimmed.startsWith("//")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void noFullyQualifiedNameInlineButWhereTwoTypesShareASimpleName() throws IOException {
        List<String> inline = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            for (Path file : sources(root)) {
                String source = Files.readString(file);
                Map<String, String> imported = new HashMap<>();
                Matcher imports =
                        Pattern.compile("(?m)^import ([\\w.]+)\\.(\\w+);").matcher(source);
                while (imports.find()) {
                    imported.put(imports.group(2), imports.group(1));
                }
                for (String line : code(file)) {
                    Matcher fqn = FQN.matcher(line);
                    while (fqn.find()) {
                        if (line.substring(0, fqn.start())
                                                .chars()
                                                .filter(c -> c == '"')
                                                .count()
                                        % 2
                                == 1) {
                            continue; // in a string
                        }
                        String simple = fqn.group(2);
                        String pkg = fqn.group(1).substring(0, fqn.group(1).length() - simple.length() - 1);
                        if (imported.containsKey(simple)
                                && !imported.get(simple).equals(pkg)) {
                            continue; // two types of one name in this file
                        }
                        inline.add(file + ": " + fqn.group(1));
                    }
                }
            }
        }
        assertThat(inline)
                .as("fully qualified names written inline (import them)")
                .isEmpty();
    }

    @Test
    void constructorsTakeAtMostSevenParametersAndClassesAreAtMostThreeHundredLines() throws IOException {
        Set<String> wide = new TreeSet<>();
        Set<String> longClasses = new TreeSet<>();
        for (Path file : sources("src/main/java")) {
            String source = Files.readString(file);
            String top = file.getFileName().toString().replace(".java", "");
            if (Files.readAllLines(file).size() > MAX_LINES) {
                longClasses.add(top);
            }
            Matcher types = Pattern.compile("\\b(class|record)\\s+(\\w+)\\s*(\\(([^)]*)\\))?")
                    .matcher(source);
            while (types.find()) {
                String name = types.group(2).equals(top) ? top : top + "." + types.group(2);
                if (types.group(1).equals("record") && count(types.group(4)) > MAX_PARAMETERS) {
                    wide.add(name);
                }
                Matcher constructors = Pattern.compile(
                                "\\b" + types.group(2) + "\\s*\\(([^)]*)\\)\\s*(throws [\\w., ]+)?\\{")
                        .matcher(source);
                while (constructors.find()) {
                    if (count(constructors.group(1)) > MAX_PARAMETERS) {
                        wide.add(name);
                    }
                }
            }
        }
        assertThat(wide)
                .as("constructors over " + MAX_PARAMETERS + " parameters")
                .isEqualTo(new TreeSet<>(WIDE));
        assertThat(longClasses).as("main classes over " + MAX_LINES + " lines").isEqualTo(new TreeSet<>(LONG));
    }

    private static int count(String parameters) {
        if (parameters == null || parameters.isBlank()) {
            return 0;
        }
        int depth = 0;
        int count = 1;
        for (int i = 0; i < parameters.length(); i++) {
            char c = parameters.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }
}
