package io.promstream.store;

import io.promstream.parse.MetricType;
import java.util.List;

/**
 * The rules of {@code aggregation.familyRules}: the first whose pattern matches a family's whole name (and whose
 * type, if it names one, is the family's) applies to it, else {@link FamilyRule#NONE}. A family takes its rule once, when it is created.
 */
public final class FamilyRules {
    /** No rules. */
    public static final FamilyRules NONE = new FamilyRules(List.of());

    private final List<FamilyRule> rules;
    private final FamilyPatterns patterns;

    /** A bad pattern throws {@link java.util.regex.PatternSyntaxException}. */
    public FamilyRules(List<FamilyRule> rules) {
        this.rules = List.copyOf(rules);
        this.patterns =
                new FamilyPatterns(rules.stream().map(FamilyRule::families).toList());
    }

    /** The rule of a family of this name and type. */
    public FamilyRule ruleOf(String family, MetricType type) {
        int i = patterns.first(
                family, r -> rules.get(r).type() == null || rules.get(r).type() == type);
        return i < 0 ? FamilyRule.NONE : rules.get(i);
    }
}
