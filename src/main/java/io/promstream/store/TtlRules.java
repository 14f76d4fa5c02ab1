package io.promstream.store;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How long a family's series live after their last update (docs/semantics.md, Series TTL): the first rule whose
 * pattern matches the family's whole name, else the default ({@code aggregation.seriesTtl}); 0 never expires.
 */
public final class TtlRules {
    /** Nothing ever expires. */
    public static final TtlRules NONE = new TtlRules(0, List.of());

    /** A rule: a family-name regular expression and its TTL. */
    public record Rule(String families, long ttlMillis) {}

    private final long defaultMillis;
    private final List<Rule> rules;
    private final FamilyPatterns patterns;

    /** A bad pattern throws {@link java.util.regex.PatternSyntaxException}; a negative TTL {@link IllegalArgumentException}. */
    public TtlRules(long defaultMillis, List<Rule> rules) {
        if (defaultMillis < 0 || rules.stream().anyMatch(r -> r.ttlMillis() < 0)) {
            throw new IllegalArgumentException("a TTL cannot be negative");
        }
        this.defaultMillis = defaultMillis;
        this.rules = List.copyOf(rules);
        this.patterns = new FamilyPatterns(rules.stream().map(Rule::families).toList());
    }

    /** The TTL of a family's series, in milliseconds; 0: never. */
    public long ttlOf(String family) {
        int rule = ruleOf(family);
        return rule < 0 ? defaultMillis : rules.get(rule).ttlMillis();
    }

    /** Which rule applies to a family, as the status shows it: the rule's pattern, or {@code default}. */
    public String describe(String family) {
        int rule = ruleOf(family);
        return rule < 0 ? "default" : rules.get(rule).families();
    }

    /** The TTLs in use, above 0. */
    SortedSet<Long> ttls() {
        SortedSet<Long> out = new TreeSet<>();
        if (defaultMillis > 0) {
            out.add(defaultMillis);
        }
        rules.stream().filter(r -> r.ttlMillis() > 0).forEach(r -> out.add(r.ttlMillis()));
        return out;
    }

    /** Whether any series may ever expire. */
    public boolean expires() {
        return !ttls().isEmpty();
    }

    private int ruleOf(String family) {
        return patterns.first(family, i -> true);
    }
}
