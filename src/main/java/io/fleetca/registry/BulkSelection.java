package io.fleetca.registry;

import java.time.Instant;
import java.util.List;

/** What a bulk revocation matches: any of these serials, devices, or the station's issuances in [after, before). */
public record BulkSelection(List<String> serials, List<String> deviceIds, String stationId, Instant issuedAfter,
                            Instant issuedBefore) {}
