package io.fleetca.ra;

import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfile;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Whether a grant reaches this device and profile: step 1 of {@link IssuancePipeline}. Pure rules, no
 * state but a cache of compiled patterns; the station registry's schema backs none of them (a station's
 * profiles and pattern are checked at registration, StationRegistration).
 */
final class EnrollmentScope {

    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
    private final String publicHost;

    EnrollmentScope(String publicUrl) {
        String host = URI.create(publicUrl).getHost();
        this.publicHost = host == null ? null : host.toLowerCase(Locale.ROOT);
    }

    /** The profile's name must be one the grant names; for a station's scope, the device id must match its pattern. */
    void check(EnrollmentGrant grant, String deviceId, CertificateProfile profile) {
        if (!grant.profiles().contains(profile.name())) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "station " + grant.station().name() + " may not enroll profile " + profile.name());
        }
        if (grant.stationScope() && !BoundedMatch.matches(pattern(grant.station().deviceIdPattern()), deviceId)) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "device id " + deviceId + " does not match the station's device id pattern");
        }
        if (profile.extendedKeyUsages().contains("serverAuth") && namesFleetCaHost(deviceId)) {
            // A serverAuth certificate whose CN is one of FleetCA's names (or any IP literal) could pass for
            // FleetCA's own TLS server with clients that fall back to the CN (RFC 6125 §6.4.4).
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE, "device id " + deviceId
                    + " names a FleetCA host or an IP address; not allowed for a serverAuth profile");
        }
    }

    /** localhost, an IPv4 or IPv6 literal, or the public URL's host. */
    boolean namesFleetCaHost(String deviceId) {
        String id = deviceId.toLowerCase(Locale.ROOT);
        return id.equals("localhost") || id.matches("[0-9.]+") || id.contains(":") || id.equals(publicHost);
    }

    /** IEEE 802.1AR: the DevID subject's serialNumber names the device; otherwise the CN does (exactly one). */
    static String deviceIdOf(X500Name subject) {
        RDN[] rdns = subject.getRDNs(BCStyle.SERIALNUMBER);
        if (rdns.length == 0) {
            rdns = subject.getRDNs(BCStyle.CN);
        }
        String id = rdns.length == 1 ? IETFUtils.valueToString(rdns[0].getFirst().getValue()) : null;
        if (!Text.isDeviceId(id)) {
            throw new FleetCaException(ProblemType.BAD_CSR,
                    "the CSR subject must name the device in serialNumber or CN (1 to 64 letters, digits, '.', ':' or '-')");
        }
        return id;
    }

    private Pattern pattern(String regex) {
        return patterns.computeIfAbsent(regex, Pattern::compile);
    }
}
