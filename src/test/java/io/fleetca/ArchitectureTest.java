package io.fleetca;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        noClasses().that().resideInAPackage("io.fleetca.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fleetca.ra..", "io.fleetca.ca..",
                        "io.fleetca.keys..", "io.fleetca.api..", "io.fleetca.auth..")
                .check(CLASSES);
    }

    @Test
    void noCycles() {
        slices().matching("io.fleetca.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
