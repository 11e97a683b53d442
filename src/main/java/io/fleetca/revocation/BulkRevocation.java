package io.fleetca.revocation;

import java.time.Instant;
import java.util.List;

/** A bulk revocation request: any of serials, device ids, or a station's issuances in [issuedAfter, issuedBefore). */
public record BulkRevocation(String reason, List<String> serials, List<String> deviceIds, String stationId,
                             Instant issuedAfter, Instant issuedBefore) {}
