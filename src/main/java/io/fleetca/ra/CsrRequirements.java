package io.fleetca.ra;

import java.util.List;

/** A profile's demands on a CSR: a subject serialNumber, and the key types it accepts (DeviceKeyType names). */
public record CsrRequirements(boolean subjectSerialNumber, List<String> keyTypes) {}
