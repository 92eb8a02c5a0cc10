package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.cutover.orchestrator.metrics.DeploymentMetrics;
import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.orchestrator.model.Violation;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import org.jboss.resteasy.reactive.server.UnwrapException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one mapper for REST input that cannot be taken: a Bean Validation failure, a body that is not JSON, or a value
 * of the wrong JSON type becomes {@code 400 application/problem+json}, the same {@link Problem#invalid} the service
 * answers for the rules it checks itself, naming each field ({@code body} for the body as a whole).
 * <p>
 * A field the body does not have is named too, with the fields it has ({@link JsonBodies} reads strictly), so a typo
 * ({@code sha265}, {@code overide}) is reported instead of silently doing nothing.
 * Jackson stops at the first value of the wrong type, so such a body is answered with that field alone. Quarkus
 * wraps a JSON syntax error in a {@code WebApplicationException}; unwrapping it lets this mapper see the cause.
 */
@UnwrapException(WebApplicationException.class)
public class InvalidRequestMapper {

    private static final Logger LOG = Logger.getLogger(InvalidRequestMapper.class);

    @Inject
    ObjectMapper json;

    @Inject
    DeploymentMetrics metrics;

    @ServerExceptionMapper({ConstraintViolationException.class, MismatchedInputException.class,
            JsonProcessingException.class})
    public Response invalid(Exception e, SimpleResourceInfo resource) {
        if (e instanceof InvalidDefinitionException) {
            LOG.error("a request body type that Jackson cannot read", e);
            return Response.serverError().build(); // the server's fault, not the request's
        }
        List<Violation> violations = e instanceof ConstraintViolationException c ? violations(c)
                : List.of(violation((JsonProcessingException) e));
        if (Arrays.asList(resource.parameterTypes()).contains(DeploymentRequestBody.class)) {
            metrics.rejected("invalid"); // as an invalid request from the requests topic is
        }
        return Problem.invalid(violations).response(json);
    }

    private static List<Violation> violations(ConstraintViolationException e) {
        return e.getConstraintViolations().stream().map(v -> new Violation(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message)).toList();
    }

    /** The path below the method parameter (a record component), or "body" for the parameter itself. */
    private static String field(ConstraintViolation<?> v) {
        StringBuilder field = new StringBuilder();
        boolean belowParameter = false;
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                belowParameter = true;
            } else if (belowParameter && node.getName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static Violation violation(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = field(u);
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            // the name is the client's: echoed without control characters
            return new Violation(PlainText.of(field.isEmpty() ? String.valueOf(u.getPropertyName()) : field),
                    "unknown field" + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
        }
        if (e instanceof MismatchedInputException m) {
            String field = field(m);
            return field.isEmpty() ? new Violation("body", "must be a single JSON object")
                    : new Violation(field, expected(m.getTargetType()));
        }
        // a syntax error, wrapped with its path when it is met inside a value
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException syntax) {
                return new Violation("body", "malformed JSON: " + firstLine(syntax.getOriginalMessage()));
            }
        }
        String field = e instanceof JsonMappingException m ? field(m) : "";
        return new Violation(field.isEmpty() ? "body" : field, "unreadable: " + firstLine(e.getOriginalMessage()));
    }

    private static String field(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String expected(Class<?> type) {
        if (type != null && CharSequence.class.isAssignableFrom(type)) {
            return "must be a string";
        }
        if (type != null && Map.class.isAssignableFrom(type)) {
            return "must be a JSON object";
        }
        return "has the wrong JSON type";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
