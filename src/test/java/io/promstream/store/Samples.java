package io.promstream.store;

import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;

/** Builders for valid samples in store tests. */
final class Samples {
    private Samples() {}

    static Sample of(MetricType type, String name, double value, String... labels) {
        Sample s = new Sample().type(type).name(name).value(value);
        for (int i = 0; i < labels.length; i += 2) {
            s.label(labels[i], labels[i + 1]);
        }
        s.canonicalizeLabels();
        return s;
    }

    static Sample counter(String name, double value, String... labels) {
        return of(MetricType.COUNTER, name, value, labels);
    }

    static Sample gauge(String name, double value, String... labels) {
        return of(MetricType.GAUGE, name, value, labels);
    }

    static Sample gaugeOp(String name, GaugeOp op, double value) {
        return of(MetricType.GAUGE, name, value).op(op);
    }

    static Sample histogram(String name, double value, String... labels) {
        return of(MetricType.HISTOGRAM, name, value, labels);
    }

    static Sample summary(String name, double value, String... labels) {
        return of(MetricType.SUMMARY, name, value, labels);
    }
}
