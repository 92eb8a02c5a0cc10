package dev.cutover.testing.security;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Before each {@code @QuarkusTest} method: RestAssured sends {@code Authorization: Bearer <Tokens.admin()>} by
 * default. A request overrides it with {@code given().auth().oauth2(token)} or drops it with
 * {@code given().auth().none()}.
 */
public class DefaultAdminToken implements QuarkusTestBeforeEachCallback {

    private static String token;
    private static long mintedAt;

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        long now = System.currentTimeMillis();
        if (token == null || now - mintedAt > 5 * 60_000) { // tokens live 15 minutes
            token = Tokens.admin();
            mintedAt = now;
        }
        RestAssured.authentication = RestAssured.oauth2(token);
    }
}
