package dev.cutover.orchestrator.api;

import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.service.DeploymentRequestValidator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST body's annotations say what {@link DeploymentRequestValidator} says for requests from the topic: a value
 * is refused by both or by neither, in the validator's words.
 */
@QuarkusTest
class DeploymentRequestBodyTest {

    @Inject
    Validator validator;

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "shop", "shop-2", "0", "Shop", "-shop", "shop_app", "a/b", "ééé", "a b",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void namesAreRefusedAsTheServiceRefusesThem(String name) {
        assertAgree(new DeploymentRequestBody(name, "dev", "1", "a.jar", null, null, null), "application");
        assertAgree(new DeploymentRequestBody("shop", name, "1", "a.jar", null, null, null), "environment");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 128, 129, 300})
    void versionsAreRefusedAsTheServiceRefusesThem(int length) {
        assertAgree(new DeploymentRequestBody("shop", "dev", "9".repeat(length), "a.jar", null, null, null),
                "version");
        assertAgree(new DeploymentRequestBody("shop", "dev", "1", "a".repeat(length), null, null, null), "artifact");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "2.0.0-rc.1+build.5", "v1", "1.0\n\u001b[31m", "1.0 beta", "-1", "1\t", "a/b",
            "1.0\u0085", "1.0\u2028", " 1.0", "\n"})
    void versionPatternsAreRefusedAsTheServiceRefusesThem(String version) {
        assertAgree(new DeploymentRequestBody("shop", "dev", version, "a.jar", null, null, null), "version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue-green", "canary", "rolling", "big-bang", "Canary"})
    void strategiesAndPoliciesAreTheServicesOwn(String value) {
        assertAgree(new DeploymentRequestBody("shop", "dev", "1", "a.jar", value, Map.of(), null), "strategy");
        assertAgree(new DeploymentRequestBody("shop", "dev", "1", "a.jar", null, Map.of(), value), "onConflict");
    }

    private void assertAgree(DeploymentRequestBody body, String field) {
        List<String> annotations = validator.validate(body).stream()
                .filter(v -> v.getPropertyPath().toString().equals(field)).map(ConstraintViolation::getMessage)
                .toList();
        Set<String> service = DeploymentRequestValidator.validate(body.toRequest()).stream()
                .filter(v -> v.field().equals(field)).map(Violation::message).collect(Collectors.toSet());
        assertEquals(service.isEmpty(), annotations.isEmpty(), () -> field + " " + body + ": annotations say "
                + annotations + ", the service " + service);
        assertTrue(annotations.containsAll(service), () -> field + " " + body + ": annotations say " + annotations
                + ", the service " + service);
        assertEquals(annotations.size(), Set.copyOf(annotations).size(), () -> field + " reported twice: "
                + annotations);
    }
}
