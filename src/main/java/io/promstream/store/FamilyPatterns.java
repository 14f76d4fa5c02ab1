package io.promstream.store;

import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * Family-name regular expressions in order, each matched against a whole family name: the one matcher of the
 * configuration's per-family rules (TTLs, family rules, native defaults), where the first that matches wins.
 */
final class FamilyPatterns {
    private final List<Pattern> patterns;

    /** A bad pattern throws {@link java.util.regex.PatternSyntaxException}. */
    FamilyPatterns(Collection<String> regexes) {
        this.patterns = regexes.stream().map(Pattern::compile).toList();
    }

    /** The index of the first pattern that matches the family's whole name and that {@code applies}; -1 for none. */
    int first(String family, IntPredicate applies) {
        for (int i = 0; i < patterns.size(); i++) {
            if (applies.test(i) && patterns.get(i).matcher(family).matches()) {
                return i;
            }
        }
        return -1;
    }
}
