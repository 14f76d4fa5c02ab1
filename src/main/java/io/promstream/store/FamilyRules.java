package io.promstream.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of {@code aggregation.familyRules}: the first whose pattern matches a family's whole name applies to it,
 * else {@link FamilyRule#NONE}. A family takes its rule once, when it is created.
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

    /** The rule of a family of this name. */
    public FamilyRule ruleOf(String family) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(family).matches()) {
                return rules.get(i);
            }
        }
        return FamilyRule.NONE;
    }
}
