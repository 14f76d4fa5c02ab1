package io.promstream.ingest.push;

import io.promstream.parse.RejectReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The answer to a push queued onto several shards, from what each shard's part came to. */
final class PushOutcomes {
    private PushOutcomes() {}

    static HttpIngestor.Outcome merge(List<HttpIngestor.Outcome> outcomes) {
        if (outcomes.size() == 1) {
            return outcomes.get(0);
        }
        int accepted = 0;
        List<HttpIngestor.Refused> refused = new ArrayList<>();
        RejectReason whole = null;
        String error = null;
        for (HttpIngestor.Outcome o : outcomes) {
            accepted += o.accepted();
            refused.addAll(o.refused());
            if (o.bodyRejection() != null && whole == null) {
                whole = o.bodyRejection();
                error = o.bodyError();
            }
        }
        refused.sort(Comparator.comparingInt(HttpIngestor.Refused::index));
        if (whole != null && accepted == 0 && refused.isEmpty()) {
            return HttpIngestor.Outcome.refusedWhole(whole, error);
        }
        if (whole != null) {
            refused.add(new HttpIngestor.Refused(-1, whole.label(), error));
        }
        return new HttpIngestor.Outcome(accepted, refused, null, null, false);
    }
}
