package io.promstream.parse.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleValidator;
import io.promstream.parse.SeriesText;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** OTLP attributes as Prometheus labels (docs/otlp.md, Names and labels). */
final class OtlpLabels {
    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE = "service.instance.id";
    /** The resource attributes that make a job and an instance. */
    private static final Set<String> IDENTIFYING = Set.of(SERVICE_NAME, SERVICE_NAMESPACE, SERVICE_INSTANCE);

    private OtlpLabels() {}

    /** {@code job} ({@code service.namespace/service.name}) and {@code instance} ({@code service.instance.id}). */
    static Map<String, String> grouping(Map<String, String> resource) {
        String service = resource.getOrDefault(SERVICE_NAME, "unknown_service");
        String namespace = resource.get(SERVICE_NAMESPACE);
        Map<String, String> grouping = new LinkedHashMap<>();
        grouping.put("job", namespace == null || namespace.isEmpty() ? service : namespace + "/" + service);
        grouping.put("instance", resource.getOrDefault(SERVICE_INSTANCE, ""));
        return grouping;
    }

    /** {@code otel_scope_name} and {@code otel_scope_version}, those not empty. */
    static Map<String, String> scope(InstrumentationScope scope) {
        Map<String, String> labels = new TreeMap<>();
        if (!scope.getName().isEmpty()) {
            labels.put("otel_scope_name", scope.getName());
        }
        if (!scope.getVersion().isEmpty()) {
            labels.put("otel_scope_version", scope.getVersion());
        }
        return labels;
    }

    /** Attributes as labels: names made valid, the values of names that become the same joined by {@code ;}. */
    static Map<String, String> of(List<KeyValue> attributes) {
        TreeMap<String, String> byKey = new TreeMap<>(attributes(attributes));
        Map<String, String> labels = new TreeMap<>();
        byKey.forEach((key, value) -> {
            String name = OtlpNames.labelName(key);
            if (!name.isEmpty()) {
                labels.merge(name, value, (a, b) -> a + ";" + b);
            }
        });
        return labels;
    }

    static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            out.put(kv.getKey(), text(kv.getValue()));
        }
        return out;
    }

    /** An attribute's value as a label value: strings as they are, arrays and maps as JSON, bytes in base64. */
    static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BYTES_VALUE ->
                Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case ARRAY_VALUE -> {
                StringBuilder out = new StringBuilder("[");
                for (AnyValue v : value.getArrayValue().getValuesList()) {
                    out.append(out.length() > 1 ? "," : "").append(json(v));
                }
                yield out.append(']').toString();
            }
            case KVLIST_VALUE -> {
                StringBuilder out = new StringBuilder("{");
                for (KeyValue kv : value.getKvlistValue().getValuesList()) {
                    out.append(out.length() > 1 ? "," : "")
                            .append(SeriesText.quote(kv.getKey()))
                            .append(':')
                            .append(json(kv.getValue()));
                }
                yield out.append('}').toString();
            }
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> ""; // a string table index is for profiles only
        };
    }

    private static String json(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE, BYTES_VALUE -> SeriesText.quote(text(value));
            case VALUE_NOT_SET -> "null";
            default -> text(value);
        };
    }

    /** {@code target_info}: the resource's attributes but those that make its job and instance, and those promoted. */
    /**
     * {@code target_info} of a resource: a gauge of 1 labelled with its attributes but those that make its job and
     * instance and those promoted, and with its grouping; {@code null} when no attribute is left (or one is not
     * Unicode text).
     */
    static Sample targetInfo(List<KeyValue> attributes, Map<String, String> grouping, Set<String> promoted) {
        List<KeyValue> rest = attributes.stream()
                .filter(kv -> !IDENTIFYING.contains(kv.getKey()) && !promoted.contains(kv.getKey()))
                .toList();
        if (rest.isEmpty()) {
            return null;
        }
        Map<String, String> labels = of(rest);
        labels.putAll(grouping);
        Sample info = new Sample()
                .type(MetricType.GAUGE)
                .name("target_info")
                .help("Target metadata")
                .value(1)
                .op(GaugeOp.SET);
        labels.forEach(info::label);
        SampleValidator.validate(info);
        if (info.isRejected()) {
            return null;
        }
        info.labels().addEmptyIfAbsent("instance");
        return info;
    }

    /** A series' type, name and labels, to find one given twice. */
    static String identity(Sample sample) {
        StringBuilder out =
                new StringBuilder(sample.type().wireName()).append(' ').append(sample.name());
        for (int i = 0; i < sample.labelCount(); i++) {
            out.append('\n').append(sample.labelName(i)).append('=').append(sample.labelValue(i));
        }
        return out.toString();
    }
}
