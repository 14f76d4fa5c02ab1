package io.promstream.store;

import io.promstream.parse.RejectReason;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Series quotas per credential ({@code aggregation.credentialQuotas}): how many series the pushes of a credential
 * ({@code user:<name>}, {@code token:<i>}, {@code cert:<subject>}) may have created and still held on this gateway.
 * Each quota keeps the series it counts (at most its size); those removed since (expired, reset, replaced) give
 * their room back when the quota next looks, which it does on a refusal, amortized over a few of them.
 */
public final class CredentialQuotas {
    /** No quotas. */
    public static final CredentialQuotas NONE = new CredentialQuotas(Map.of());

    private final Map<String, Quota> quotas = new TreeMap<>();

    /** @param maxSeries the quota of each credential; a negative one throws */
    public CredentialQuotas(Map<String, Integer> maxSeries) {
        maxSeries.forEach((credential, max) -> {
            if (max < 0) {
                throw new IllegalArgumentException("the quota of " + credential + " cannot be negative");
            }
            quotas.put(credential, new Quota(max));
        });
    }

    /** Why {@code n} more series may not be created for this credential ({@code null}: none), or {@code null}. */
    Refusal refusal(String credential, int n) {
        Quota quota = credential == null ? null : quotas.get(credential);
        if (quota == null || quota.room(n)) {
            return null;
        }
        return new Refusal(
                RejectReason.CREDENTIAL_SERIES_LIMIT,
                "the pushes of " + credential + " hold their quota of " + quota.max
                        + " series (aggregation.credentialQuotas)");
    }

    /** Counts a series created for this credential toward its quota. */
    void created(String credential, Series series) {
        Quota quota = credential == null ? null : quotas.get(credential);
        if (quota != null) {
            quota.add(series);
        }
    }

    /** How many series each credential with a quota holds, for the status. */
    public Map<String, Integer> held() {
        Map<String, Integer> out = new TreeMap<>();
        quotas.forEach((credential, quota) -> out.put(credential, quota.held()));
        return out;
    }

    private static final class Quota {
        final int max;
        private final Set<Series> series = Collections.newSetFromMap(new IdentityHashMap<>());
        private int refusedSincePrune;

        Quota(int max) {
            this.max = max;
        }

        synchronized boolean room(int n) {
            if (series.size() + n <= max) {
                return true;
            }
            if (++refusedSincePrune > series.size() / 8) {
                refusedSincePrune = 0;
                series.removeIf(Series::isRemoved);
            }
            return series.size() + n <= max;
        }

        synchronized void add(Series s) {
            series.add(s);
        }

        synchronized int held() {
            series.removeIf(Series::isRemoved);
            return series.size();
        }
    }
}
