package io.fleetca.ra;

import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.CertificateProfiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/** What can be enrolled, for protocols that describe it before a request (EST cacerts and csrattrs). */
@ApplicationScoped
public class EnrollmentCatalog {

    @Inject
    CertificateProfiles profiles;

    @Inject
    CaDirectory cas;

    /** Whether {@code name} is a certificate profile (EST labels name profiles, RFC 7030 §3.2.2). */
    public boolean isProfile(String name) {
        return profiles.find(name).isPresent();
    }

    /** The issuing CA's chain (issuing CA first) for a profile, or for the default issuer. */
    public List<X509CertificateHolder> issuingChain(Optional<String> profile) {
        Optional<String> named = profile.flatMap(profiles::find).flatMap(CertificateProfile::issuer);
        return cas.issuerFor(named).map(LoadedCa::chain).orElseThrow(() -> new FleetCaException(ProblemType.CONFLICT,
                "no issuing CA is configured"));
    }

    /** What a CSR for this profile must carry, for EST csrattrs (RFC 7030 §4.5). */
    public Optional<CsrRequirements> requirements(String profile) {
        return profiles.find(profile).map(p -> new CsrRequirements(p.subjectSerialNumber(),
                p.keyTypes().stream().map(Enum::name).sorted().toList()));
    }
}
