package io.fleetca.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the PostgreSQL + SoftHSM2 resource once for every @QuarkusTest (one application start). */
@QuarkusTestResource(FleetCaTestResource.class)
public final class GlobalTestResources {
    private GlobalTestResources() {}
}
