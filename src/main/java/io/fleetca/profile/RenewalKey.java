package io.fleetca.profile;

/** The key a renewal may certify: any key, only a new one, or only the current certificate's. */
public enum RenewalKey { ANY, NEW, SAME }
