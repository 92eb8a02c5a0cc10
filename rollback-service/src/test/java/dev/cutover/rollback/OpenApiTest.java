package dev.cutover.rollback;

import dev.cutover.security.local.http.OpenApiComponents;
import dev.cutover.testing.security.OpenApiContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** /q/openapi lists every endpoint of the service with its security scheme and problem+json refusals; Swagger UI. */
@QuarkusTest
class OpenApiTest {

    @Test
    void theDocumentDescribesEveryEndpoint() {
        OpenApiContract.assertTheServiceIsDescribed(OpenApiComponents.PROBLEM);
    }
}
