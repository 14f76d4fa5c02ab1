package io.promstream;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.promstream.config.AdminFactory;
import io.promstream.config.AggregationFactory;
import io.promstream.config.CheckpointFactory;
import io.promstream.config.HttpFactory;
import io.promstream.config.IdempotencyFactory;
import io.promstream.config.MetaMetricsFactory;
import io.promstream.config.NativeHistogramsFactory;
import io.promstream.config.OtlpFactory;
import io.promstream.config.PersistenceFactory;
import io.promstream.config.RedisFactory;
import io.promstream.config.TlsFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** config.yml: Dropwizard's {@code server} and {@code logging}, plus the gateway's sections (docs/configuration.md). */
public class GatewayConfiguration extends Configuration {
    @Valid
    @NotNull
    private RedisFactory redis = new RedisFactory();

    @Valid
    @NotNull
    private AggregationFactory aggregation = new AggregationFactory();

    @Valid
    @NotNull
    private MetaMetricsFactory metaMetrics = new MetaMetricsFactory();

    @Valid
    @NotNull
    private HttpFactory http = new HttpFactory();

    @Valid
    @NotNull
    private PersistenceFactory persistence = new PersistenceFactory();

    @Valid
    @NotNull
    private CheckpointFactory checkpoint = new CheckpointFactory();

    @Valid
    @NotNull
    private AdminFactory admin = new AdminFactory();

    @Valid
    @NotNull
    private OtlpFactory otlp = new OtlpFactory();

    @Valid
    @NotNull
    private NativeHistogramsFactory nativeHistograms = new NativeHistogramsFactory();

    @Valid
    @NotNull
    private IdempotencyFactory idempotency = new IdempotencyFactory();

    @Valid
    @NotNull
    private TlsFactory tls = new TlsFactory();

    @JsonProperty
    public TlsFactory getTls() {
        return tls;
    }

    @JsonProperty
    public void setTls(TlsFactory tls) {
        this.tls = tls;
    }

    @JsonProperty
    public IdempotencyFactory getIdempotency() {
        return idempotency;
    }

    @JsonProperty
    public void setIdempotency(IdempotencyFactory idempotency) {
        this.idempotency = idempotency;
    }

    @JsonProperty
    public NativeHistogramsFactory getNativeHistograms() {
        return nativeHistograms;
    }

    @JsonProperty
    public void setNativeHistograms(NativeHistogramsFactory nativeHistograms) {
        this.nativeHistograms = nativeHistograms;
    }

    @JsonProperty
    public OtlpFactory getOtlp() {
        return otlp;
    }

    @JsonProperty
    public void setOtlp(OtlpFactory otlp) {
        this.otlp = otlp;
    }

    @JsonProperty
    public AdminFactory getAdmin() {
        return admin;
    }

    @JsonProperty
    public void setAdmin(AdminFactory admin) {
        this.admin = admin;
    }

    @JsonProperty
    public CheckpointFactory getCheckpoint() {
        return checkpoint;
    }

    @JsonProperty
    public void setCheckpoint(CheckpointFactory checkpoint) {
        this.checkpoint = checkpoint;
    }

    @JsonProperty
    public RedisFactory getRedis() {
        return redis;
    }

    @JsonProperty
    public void setRedis(RedisFactory redis) {
        this.redis = redis;
    }

    @JsonProperty
    public AggregationFactory getAggregation() {
        return aggregation;
    }

    @JsonProperty
    public void setAggregation(AggregationFactory aggregation) {
        this.aggregation = aggregation;
    }

    @JsonProperty
    public PersistenceFactory getPersistence() {
        return persistence;
    }

    @JsonProperty
    public void setPersistence(PersistenceFactory persistence) {
        this.persistence = persistence;
    }

    @JsonProperty
    public HttpFactory getHttp() {
        return http;
    }

    @JsonProperty
    public void setHttp(HttpFactory http) {
        this.http = http;
    }

    @JsonProperty
    public MetaMetricsFactory getMetaMetrics() {
        return metaMetrics;
    }

    @JsonProperty
    public void setMetaMetrics(MetaMetricsFactory metaMetrics) {
        this.metaMetrics = metaMetrics;
    }
}
