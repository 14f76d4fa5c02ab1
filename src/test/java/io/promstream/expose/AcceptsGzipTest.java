package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptsGzipTest {
    @Test
    void gzipWithAPositiveQualityOnly() {
        assertThat(ExpositionServlet.acceptsGzip("gzip")).isTrue();
        assertThat(ExpositionServlet.acceptsGzip("deflate, GZIP;q=0.5, br")).isTrue();
        assertThat(ExpositionServlet.acceptsGzip("gzip; q=1.0")).isTrue();
        assertThat(ExpositionServlet.acceptsGzip(null)).isFalse();
        assertThat(ExpositionServlet.acceptsGzip("identity")).isFalse();
        assertThat(ExpositionServlet.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ExpositionServlet.acceptsGzip("gzip;q=0.000")).isFalse();
        assertThat(ExpositionServlet.acceptsGzip("gzip;q=x")).isFalse();
        assertThat(ExpositionServlet.acceptsGzip("x-gzip2, deflate")).isFalse();
    }
}
