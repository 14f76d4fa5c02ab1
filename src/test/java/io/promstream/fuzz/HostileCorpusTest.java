package io.promstream.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus ({@link HostileCorpus}) gets the verdicts docs/semantics.md promises, keeps every
 * {@link IngestHarness} property, and is committed byte for byte where Jazzer reads it. Rewrite the files after
 * changing {@link HostileCorpus}: {@code mvn test -Dtest=HostileCorpusTest -DwriteCorpus=true}.
 */
class HostileCorpusTest {
    static final String INPUTS = "SampleFuzzTestInputs/jsonElement/";
    static final String TEXT_INPUTS = "SampleFuzzTestInputs/textPush/";
    static final String PROTOBUF_INPUTS = "SampleFuzzTestInputs/protobufPush/";
    static final String OTLP_INPUTS = "SampleFuzzTestInputs/otlpExport/";
    private static final Path SOURCES = Path.of("src/test/resources/io/promstream/fuzz/");

    static Stream<HostileCorpus.Entry> entries() {
        return HostileCorpus.entries().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void getsTheDocumentedVerdict(HostileCorpus.Entry entry) {
        IngestHarness.Outcome outcome = new IngestHarness().check(entry.bytes());
        assertThat(outcome.elementRejection())
                .as("%s: element verdict", entry.name())
                .isEqualTo(entry.elementRejection());
        assertThat(outcome.verdicts())
                .as("%s: per-sample verdicts (null = applied)", entry.name())
                .isEqualTo(entry.verdicts());
    }

    static Stream<HostileCorpus.Entry> textEntries() {
        return HostileCorpus.textEntries().stream();
    }

    @ParameterizedTest(name = "text {0}")
    @MethodSource("textEntries")
    void textPushGetsTheDocumentedVerdict(HostileCorpus.Entry entry) {
        IngestHarness.Outcome outcome = new IngestHarness().checkText(entry.bytes());
        assertThat(outcome.elementRejection())
                .as("%s: push verdict", entry.name())
                .isEqualTo(entry.elementRejection());
        assertThat(outcome.verdicts())
                .as("%s: per-sample verdicts (null = applied)", entry.name())
                .isEqualTo(entry.verdicts());
    }

    static Stream<HostileCorpus.Entry> protobufEntries() {
        return HostileCorpus.protobufEntries().stream();
    }

    @ParameterizedTest(name = "protobuf {0}")
    @MethodSource("protobufEntries")
    void protobufPushGetsTheDocumentedVerdict(HostileCorpus.Entry entry) {
        IngestHarness.Outcome outcome = new IngestHarness().checkProtobuf(entry.bytes());
        assertThat(outcome.elementRejection())
                .as("%s: push verdict", entry.name())
                .isEqualTo(entry.elementRejection());
        assertThat(outcome.verdicts())
                .as("%s: per-sample verdicts (null = applied)", entry.name())
                .isEqualTo(entry.verdicts());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structured")
    void structuredSeedsKeepTheProperties(HostileCorpus.Entry entry) {
        IngestHarness.Outcome outcome = new IngestHarness().check(StructuredElement.build(entry.bytes()));
        assertThat(outcome.elementRejection() != null || !outcome.verdicts().isEmpty())
                .isTrue();
    }

    static Stream<HostileCorpus.Entry> structured() {
        return HostileCorpus.structuredSeeds().stream();
    }

    @Test
    void theCommittedCorpusMatches() throws IOException {
        List<HostileCorpus.Entry> json = new ArrayList<>(HostileCorpus.entries());
        json.addAll(HostileCorpus.structuredSeeds());
        matches(INPUTS, json);
        matches(TEXT_INPUTS, HostileCorpus.textEntries());
        matches(PROTOBUF_INPUTS, HostileCorpus.protobufEntries());
        matches(OTLP_INPUTS, OtlpCorpus.entries());
    }

    private static void matches(String dir, List<HostileCorpus.Entry> entries) throws IOException {
        Set<String> names = new HashSet<>();
        for (HostileCorpus.Entry entry : entries) {
            assertThat(names.add(entry.name()))
                    .as("duplicate name %s", entry.name())
                    .isTrue();
            if (Boolean.getBoolean("writeCorpus")) {
                Files.createDirectories(SOURCES.resolve(dir));
                Files.write(SOURCES.resolve(dir).resolve(entry.name()), entry.bytes());
                continue;
            }
            try (InputStream in = HostileCorpusTest.class.getResourceAsStream(dir + entry.name())) {
                assertThat(in)
                        .as("corpus file %s%s (write it with -DwriteCorpus=true)", dir, entry.name())
                        .isNotNull();
                assertThat(in.readAllBytes())
                        .as("corpus file %s%s", dir, entry.name())
                        .isEqualTo(entry.bytes());
            }
        }
    }
}
