package dev.cutover.security.local.http;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Makes the HTTP layer's refusals RFC 9457 problems: 401 (no token, expired, wrong issuer or audience, bad
 * signature, or no verification configured at all) and 403 (authenticated, not permitted) answer
 * {@code application/problem+json} instead of an empty body. A CDI bean of every service (each indexes
 * {@code cutover-security} with {@code quarkus.index-dependency.cutover-security.*}); the reason of a failed
 * verification is never echoed - it may quote the token.
 */
@ApplicationScoped
public class AuthProblemResponses {

    public static final String PROBLEM_JSON = "application/problem+json";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (ctx.response().headWritten() || failure instanceof AuthenticationRedirectException) {
            ctx.next();
            return;
        }
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException
                || failure instanceof AuthenticationCompletionException) {
            unauthorized(ctx);
        } else if (failure instanceof ForbiddenException) {
            end(ctx, 403, "forbidden", "Forbidden", "the token's grants do not permit this call");
        } else {
            ctx.next();
        }
    }

    static void unauthorized(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        end(ctx, 401, "unauthenticated", "Unauthenticated",
                "a valid bearer token is required (Authorization: Bearer <token>)");
    }

    private static void end(RoutingContext ctx, int status, String type, String title, String detail) {
        JsonObject problem = new JsonObject()
                .put("type", "https://cutover.dev/problems/" + type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        ctx.response().setStatusCode(status).putHeader("Content-Type", PROBLEM_JSON).end(problem.encode());
    }
}
