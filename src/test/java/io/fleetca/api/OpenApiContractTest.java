package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.common.ProblemType;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served contract (/q/openapi, which is openapi.yaml) and the JAX-RS resources agree. */
@QuarkusTest
class OpenApiContractTest {

    private static final Class<?>[] RESOURCES = {CaResource.class, StationResource.class, DeviceResource.class,
            CertificateResource.class, AuditResource.class, RevocationResource.class, CrlResource.class,
            OcspResource.class};

    @Test
    void everyEndpointIsInTheContractAndNothingElse() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, ops) -> {
            if (!path.startsWith("/q/")) {
                ops.keySet().stream().filter(k -> Set.of("get", "post", "put", "delete", "patch").contains(k))
                        .forEach(verb -> documented.add(verb.toUpperCase() + " " + path));
            }
        });
        Set<String> implemented = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(PUT.class) ? "PUT" : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb != null) {
                    Path sub = m.getAnnotation(Path.class);
                    // JAX-RS regex templates ({request: .+}) are documented as plain {request}.
                    implemented.add(verb + " " + (base + (sub == null ? "" : sub.value())).replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
                }
            }
        }
        assertEquals(implemented, documented);
    }

    @Test
    void everyProblemTypeIsDocumented() {
        String contract = given().when().get("/q/openapi").then().statusCode(200).extract().asString();
        for (ProblemType type : ProblemType.values()) {
            assertTrue(contract.contains(type.uri()), "openapi.yaml lacks " + type.uri());
        }
    }
}
