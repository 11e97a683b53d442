package io.fleetca.revocation;

import io.fleetca.registry.DeviceStatus;
import java.util.List;

/** A device after decommission or reactivation, and the serials that were revoked on the way. */
public record DeviceOutcome(String deviceId, DeviceStatus status, boolean changed, List<String> revokedSerials,
                            String message) {}
