package io.promstream.fuzz;

import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;

/**
 * How the fuzz harness parses a queue element into samples. Every format must keep the same contract: never
 * throw, and leave either an element rejection or one verdict per sample in the batch.
 *
 * <p>Only JSON goes through the queue today. The text format has its own path (HTTP pushes, all or nothing),
 * checked by {@link IngestHarness#checkText} and fuzzed by {@link SampleFuzzTest#textPush}. To fuzz another
 * format: give it a {@code check...} entry in {@link IngestHarness} that runs its real ingestion path into a
 * seeded store and ends in {@code verify(...)} (which holds the shared properties), add a {@code @FuzzTest}
 * method with its own inputs directory and a {@link HostileCorpus} list, and a line to {@code make fuzz}
 * (Jazzer fuzzes one {@code @FuzzTest} per JVM run; the others only replay their corpus).
 */
public interface WireFormat {
    String name();

    void parse(byte[] element, SampleBatch out);

    /** The JSON wire format (SPEC §2). */
    static WireFormat json(int maxMessageBytes) {
        SampleParser parser = new SampleParser(maxMessageBytes);
        return new WireFormat() {
            @Override
            public String name() {
                return "json";
            }

            @Override
            public void parse(byte[] element, SampleBatch out) {
                parser.parse(element, out);
            }
        };
    }
}
