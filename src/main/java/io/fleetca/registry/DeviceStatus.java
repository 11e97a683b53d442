package io.fleetca.registry;

public enum DeviceStatus { ACTIVE, DECOMMISSIONED }
