package io.promstream.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * A sample in the JSON wire format (docs/wire-format.md), for dead letters of samples that reached a worker
 * already decoded: an operator can read it, fix it and push it back. A pushed histogram or summary is written with
 * its sum as the value (the wire format has no field for its buckets' counts).
 */
public final class SampleJson {
    private static final JsonFactory JSON = new JsonFactory();

    private SampleJson() {}

    public static byte[] render(Sample sample) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            if (sample.type() != null) {
                json.writeStringField("type", sample.type().wireName());
            }
            json.writeStringField("name", sample.name());
            if (sample.hasValue()) {
                json.writeNumberField("value", sample.value());
            }
            if (sample.labelCount() > 0) {
                json.writeObjectFieldStart("labels");
                for (int i = 0; i < sample.labelCount(); i++) {
                    json.writeStringField(sample.labelName(i), sample.labelValue(i));
                }
                json.writeEndObject();
            }
            if (sample.help() != null) {
                json.writeStringField("help", sample.help());
            }
            numbers(json, "buckets", sample.buckets());
            numbers(json, "quantiles", sample.quantiles());
            numbers(json, "epsilons", sample.epsilons());
            if (sample.type() == MetricType.GAUGE && sample.op() != GaugeOp.SET) {
                json.writeStringField("op", sample.op().name().toLowerCase(Locale.ROOT));
            }
            if (sample.hasTimestamp()) {
                json.writeNumberField("timestamp", sample.timestamp());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    private static void numbers(JsonGenerator json, String field, Doubles values) throws IOException {
        if (!values.isPresent()) {
            return;
        }
        json.writeArrayFieldStart(field);
        for (int i = 0; i < values.size(); i++) {
            json.writeNumber(values.get(i));
        }
        json.writeEndArray();
    }
}
