package io.fleetca;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        noClasses().that().resideOutsideOfPackage("io.fleetca.keys..")
                .should().dependOnClassesThat().resideInAnyPackage("sun.security.pkcs11..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.Security")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.Provider")
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
     * The "may import" column of ARCHITECTURE.md, package by package. Recorded exceptions: api reads
     * the audit verification (a read model); ra uses profile (it chooses the profile); ca writes its own
     * CA records (CaRegistry) besides the issuance ledger; common is the shared leaf (problems, serials, clock).
     */
    @Test
    void packagesImportOnlyWhatTheMapAllows() {
        Map<String, List<String>> allowed = Map.ofEntries(
                Map.entry("api", List.of("ra", "auth", "registry", "audit", "revocation", "ocsp")),
                Map.entry("revocation", List.of("ca", "registry", "audit")),
                Map.entry("ocsp", List.of("ca", "registry")),
                Map.entry("est", List.of("ra", "auth")),
                // ARCHITECTURE.md: ra may use revocation (superseding FleetCA's own service certificates goes through it).
                Map.entry("ra", List.of("ca", "registry", "revocation", "audit", "profile")),
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

    @Test
    void noCycles() {
        slices().matching("io.fleetca.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
