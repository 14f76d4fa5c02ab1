package io.promstream.store;

import io.promstream.parse.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of {@code aggregation.familyRules}: the first whose pattern matches a family's whole name (and whose
 * type, if it names one, is the family's) applies to it, else {@link FamilyRule#NONE}. A family takes its rule once, when it is created.
 */
public final class FamilyRules {
    /** No rules. */
    public static final FamilyRules NONE = new FamilyRules(List.of());

    private final List<FamilyRule> rules;
    private final List<Pattern> patterns = new ArrayList<>();

    /** A bad pattern throws {@link java.util.regex.PatternSyntaxException}. */
    public FamilyRules(List<FamilyRule> rules) {
        this.rules = List.copyOf(rules);
        for (FamilyRule rule : rules) {
            patterns.add(Pattern.compile(rule.families()));
        }
    }

    /** The rule of a family of this name and type. */
    public FamilyRule ruleOf(String family, MetricType type) {
        for (int i = 0; i < patterns.size(); i++) {
            FamilyRule rule = rules.get(i);
            if ((rule.type() == null || rule.type() == type)
                    && patterns.get(i).matcher(family).matches()) {
                return rules.get(i);
            }
        }
        return FamilyRule.NONE;
    }
}
