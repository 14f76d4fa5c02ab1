package io.promstream.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardOwnersTest {
    @Test
    void aLeaseTokenNamesItsGatewayBeforeItsLastColon() {
        assertThat(ShardOwners.gatewayOf("host-12-ab12cd34:6f1c2d3e-0000-4000-8000-000000000000"))
                .isEqualTo("host-12-ab12cd34");
        assertThat(ShardOwners.gatewayOf("plain")).isEqualTo("plain");
        assertThat(ShardOwners.gatewayOf(null)).isNull();
    }
}
