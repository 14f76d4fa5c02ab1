package io.promstream.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The family-name patterns of the config's rules, checked at start. */
final class RulePatterns {
    private RulePatterns() {}

    /** Throws, naming {@code key}, when {@code pattern} is not a regular expression. */
    static void check(String key, String pattern) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    key + ": \"" + pattern + "\" is not a regular expression: " + e.getDescription(), e);
        }
    }
}
