package io.promstream.testing;

import io.promstream.GatewayApplication;
import java.time.InstantSource;

/** The gateway on a {@link ManualClock}, so TTL and age selectors are tested without waiting. */
public class ClockedGatewayApplication extends GatewayApplication {
    public static final ManualClock CLOCK = new ManualClock();

    @Override
    protected InstantSource clock() {
        return CLOCK;
    }
}
