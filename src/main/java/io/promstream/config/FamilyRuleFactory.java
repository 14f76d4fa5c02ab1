package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promstream.parse.MetricType;
import io.promstream.parse.Names;
import io.promstream.store.FamilyRule;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Set;

/**
 * One of {@code aggregation.familyRules}: a family-name regular expression (and optionally a type), and whether its
 * samples are dropped,
 * which labels are aggregated away ({@code without}) and how many series it may hold ({@code maxSeries}).
 */
public class FamilyRuleFactory {
    @NotEmpty
    private String families;

    private String type;

    private boolean drop;

    @NotNull
    private List<String> without = List.of();

    @Min(0)
    private int maxSeries;

    /** The rule; what cannot work stops the start, naming {@code key} (e.g. {@code aggregation.familyRules[2]}). */
    public FamilyRule build(String key) {
        RulePatterns.check(key + ".families", families);
        for (String label : without) {
            if (!Names.isValidLabelName(label) || label.startsWith("__")) {
                throw new IllegalArgumentException(key + ".without: \"" + label + "\" is not a label name");
            }
        }
        if (drop && (!without.isEmpty() || maxSeries > 0)) {
            throw new IllegalArgumentException(
                    key + ": a rule that drops its families keeps nothing; without and maxSeries mean nothing there");
        }
        if (!drop && without.isEmpty() && maxSeries == 0) {
            throw new IllegalArgumentException(key + ": says nothing to do; give drop, without or maxSeries");
        }
        return new FamilyRule(families, type(key), drop, Set.copyOf(without), maxSeries);
    }

    private MetricType type(String key) {
        if (type == null) {
            return null;
        }
        for (MetricType known : MetricType.values()) {
            if (known.wireName().equalsIgnoreCase(type)) {
                return known;
            }
        }
        throw new IllegalArgumentException(
                key + ".type: \"" + type + "\" is none of counter, gauge, histogram, summary, untyped");
    }

    @JsonProperty
    public String getType() {
        return type;
    }

    @JsonProperty
    public void setType(String type) {
        this.type = type;
    }

    @JsonProperty
    public String getFamilies() {
        return families;
    }

    @JsonProperty
    public void setFamilies(String families) {
        this.families = families;
    }

    @JsonProperty
    public boolean isDrop() {
        return drop;
    }

    @JsonProperty
    public void setDrop(boolean drop) {
        this.drop = drop;
    }

    @JsonProperty
    public List<String> getWithout() {
        return without;
    }

    @JsonProperty
    public void setWithout(List<String> without) {
        this.without = without;
    }

    @JsonProperty
    public int getMaxSeries() {
        return maxSeries;
    }

    @JsonProperty
    public void setMaxSeries(int maxSeries) {
        this.maxSeries = maxSeries;
    }
}
