package io.fleetca;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.auth.EnrollmentGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The "never" rules of ARCHITECTURE.md, kept true by the build. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fleetca");

    @Test
    void caDecidesNothing() {
        noClasses().that().resideInAPackage("io.fleetca.ca..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.api..", "io.fleetca.auth..",
                        "io.fleetca.ra..", "io.fleetca.ocsp..", "io.fleetca.audit..")
                .check(CLASSES);
    }

    @Test
    void onlyKeysTouchesPkcs11AndProviders() {
        // One exception for providers: common.NativeVerifier, the native provider that only verifies signatures
        // with public keys (CSRs, the HSM's, station tokens); no key store, no login, no private key.
        noClasses().that().resideOutsideOfPackage("io.fleetca.keys..")
                .and().doNotHaveFullyQualifiedName("io.fleetca.common.NativeVerifier")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.security.Security")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.Provider")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("io.fleetca.keys..")
                .should().dependOnClassesThat().resideInAnyPackage("sun.security.pkcs11..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.AuthProvider")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.KeyStore")
                .check(CLASSES);
    }

    @Test
    void onlyRegistryTouchesPersistence() {
        noClasses().that().resideOutsideOfPackage("io.fleetca.registry..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.persistence..", "io.quarkus.hibernate..",
                        "org.hibernate..")
                .check(CLASSES);
    }

    @Test
    void apiDoesNotReachCaOrKeys() {
        noClasses().that().resideInAPackage("io.fleetca.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.keys..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.fleetca.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.ca..")
                .check(CLASSES);
    }

    @Test
    void leafPackagesImportNothingOfOurs() {
        for (String leaf : new String[] {"keys", "profile", "registry", "common"}) {
            noClasses().that().resideInAPackage("io.fleetca." + leaf + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.api..", "io.fleetca.auth..",
                            "io.fleetca.ra..", "io.fleetca.ca..", "io.fleetca.audit..")
                    .check(CLASSES);
        }
    }

    @Test
    void authAndAuditStayInTheirLanes() {
        noClasses().that().resideInAPackage("io.fleetca.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.ra..", "io.fleetca.ca..",
                        "io.fleetca.keys..", "io.fleetca.api..", "io.fleetca.audit..")
                .check(CLASSES);
        // audit reaches ca only to sign and verify its checkpoints (ARCHITECTURE.md), never keys directly.
        noClasses().that().resideInAPackage("io.fleetca.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.ra..",
                        "io.fleetca.keys..", "io.fleetca.api..", "io.fleetca.auth..")
                .check(CLASSES);
    }

    /**
     * The "may import" column of ARCHITECTURE.md, package by package, with one addition the code has moved
     * to: ra may import auth, for the grant only (see {@link #raTakesTheGrantNotTheCredential}). The map's
     * own qualified entries are the rules below this one.
     */
    @Test
    void packagesImportOnlyWhatTheMapAllows() {
        Map<String, List<String>> allowed = Map.ofEntries(
                Map.entry("api", List.of("ra", "auth", "registry", "audit", "revocation", "ocsp")),
                Map.entry("revocation", List.of("ca", "registry", "audit")),
                Map.entry("ocsp", List.of("ca", "registry")),
                Map.entry("est", List.of("ra", "auth")),
                // ARCHITECTURE.md: ra may use revocation (superseding FleetCA's own service certificates goes through it).
                Map.entry("ra", List.of("ca", "registry", "revocation", "audit", "profile", "auth")),
                Map.entry("ca", List.of("keys", "registry", "profile")),
                Map.entry("auth", List.of("registry")),
                Map.entry("audit", List.of("registry", "ca")),
                Map.entry("keys", List.<String>of()),
                Map.entry("profile", List.<String>of()),
                Map.entry("registry", List.<String>of()),
                Map.entry("common", List.<String>of()));
        allowed.forEach((pkg, may) -> {
            List<String> packages = new ArrayList<>();
            packages.add("io.fleetca." + pkg + "..");
            packages.add("io.fleetca.common..");
            may.forEach(m -> packages.add("io.fleetca." + m + ".."));
            classes().that().resideInAPackage("io.fleetca." + pkg + "..")
                    .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("io.fleetca..")
                            .or(JavaClass.Predicates.resideInAnyPackage(packages.toArray(String[]::new))))
                    .check(CLASSES);
        });
    }

    /**
     * The RA takes an authorization and never looks at how it was proven (issue "One way in"): of auth it
     * sees the grant a provisioner made, never a verifier, a token or a provisioner.
     */
    @Test
    void raTakesTheGrantNotTheCredential() {
        noClasses().that().resideInAPackage("io.fleetca.ra..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.fleetca.auth..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(EnrollmentGrant.class))))
                .check(CLASSES);
    }

    /** ARCHITECTURE.md, api's row: audit "(verification)". The API reads the chain's verification, never appends. */
    @Test
    void apiReadsTheAuditVerificationOnly() {
        noClasses().that().resideInAPackage("io.fleetca.api..")
                .should().callMethod(AuditLog.class, "append", AuditEvent.class)
                .orShould().callMethod(AuditLog.class, "appendAlone", AuditEvent.class)
                .orShould().dependOnClassesThat().belongToAnyOf(AuditEvent.class)
                .check(CLASSES);
    }

    /** ARCHITECTURE.md, api's row: ocsp "(the OCSP resource)". Only the OCSP resources reach the responder. */
    @Test
    void onlyTheOcspResourcesReachTheResponder() {
        classes().that().resideInAPackage("io.fleetca.api..")
                .and().doNotHaveSimpleName("OcspResource").and().doNotHaveSimpleName("BlockingOcsp")
                .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("io.fleetca.ocsp.."))
                .check(CLASSES);
    }

    /**
     * ARCHITECTURE.md, ca's row: registry "(issuance ledger and CA records)". The CA writes the ledger rows of
     * what it signs itself (CA certificates, its CRLs' and OCSP responders' state) and the CA records; device
     * registrations, stations, codes, tokens and the audit chain are not its business.
     */
    @Test
    void caUsesTheLedgerAndCaRecordsOnly() {
        DescribedPredicate<JavaClass> notTheCasBusiness = JavaClass.Predicates.resideInAPackage("io.fleetca.registry..")
                .and(JavaClass.Predicates.simpleNameEndingWith("Registry")
                        .and(DescribedPredicate.not(JavaClass.Predicates.simpleName("CaRegistry")))
                        .or(JavaClass.Predicates.simpleNameStartingWith("Station"))
                        .or(JavaClass.Predicates.simpleNameStartingWith("Enrollment"))
                        .or(JavaClass.Predicates.simpleNameStartingWith("Audit"))
                        .or(JavaClass.Predicates.simpleNameStartingWith("Token")));
        noClasses().that().resideInAPackage("io.fleetca.ca..")
                .should().dependOnClassesThat(notTheCasBusiness)
                .check(CLASSES);
    }

    @Test
    void noCycles() {
        slices().matching("io.fleetca.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
