package io.promstream.config;

import io.prometheus.client.Counter;
import io.promstream.queue.LogLimiter;

/**
 * What the push endpoints count.
 *
 * @param rejected {@code http_rejected_total{endpoint,reason}}
 * @param answered {@code http_pushes_total{endpoint,code}}
 * @param unauthorized {@code http_unauthorized_total{endpoint}}
 * @param refusals how often a refused slow client is logged
 */
public record PushMeters(Counter rejected, Counter answered, Counter unauthorized, LogLimiter refusals) {}
