package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import java.util.Set;

/**
 * What the gateway does with one family's samples (docs/semantics.md, Family rules): drop them all, or aggregate
 * the labels named in {@code without} away before the series is looked up, and keep at most {@code maxSeries}
 * series (0: no quota but the store's cap).
 *
 * @param families the regular expression, matched against the whole family name, that chose this rule
 * @param type the type a family must have for the rule to apply to it; {@code null}: any
 */
public record FamilyRule(String families, MetricType type, boolean drop, Set<String> without, int maxSeries) {
    /** No rule: every sample is kept as sent. */
    public static final FamilyRule NONE = new FamilyRule("", null, false, Set.of(), 0);

    public FamilyRule {
        without = Set.copyOf(without);
        if (maxSeries < 0) {
            throw new IllegalArgumentException("maxSeries cannot be negative");
        }
    }

    /** Removes the labels this rule aggregates away from the sample; call before its series is looked up. */
    void shape(Sample sample) {
        if (!without.isEmpty()) {
            sample.labels().remove(without);
        }
    }

    /** Whether two samples of different labels may name one series of this family. */
    boolean collapses() {
        return !without.isEmpty();
    }

    /** Why two series of a push became one, for a refusal's message: empty when this rule did not do it. */
    String collapseNote() {
        return collapses()
                ? " once the labels " + without.stream().sorted().toList()
                        + " are aggregated away (aggregation.familyRules); a group keeps its series as pushed"
                : "";
    }

    /** Whether the family has a series quota of its own. */
    boolean limits() {
        return maxSeries > 0;
    }

    /** What the status shows of it: {@code drop}, {@code without [a, b]}, {@code maxSeries N}; empty for none. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (drop) {
            out.append("drop");
        }
        if (!without.isEmpty()) {
            out.append(out.isEmpty() ? "" : ", ")
                    .append("without ")
                    .append(without.stream().sorted().toList());
        }
        if (maxSeries > 0) {
            out.append(out.isEmpty() ? "" : ", ").append("maxSeries ").append(maxSeries);
        }
        return out.toString();
    }
}
