package dev.cutover.testing.security;

import jakarta.ws.rs.HttpMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a service's OpenAPI document must say, checked against the service itself: every JAX-RS endpoint compiled
 * into the module is listed, and every operation names its security scheme, its success response and each refusal
 * as {@code application/problem+json} with the shared problem schema.
 */
public final class OpenApiContract {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiContract() {
    }

    /**
     * In a {@code @QuarkusTest}: {@code /q/openapi} answers without a token and lists exactly the module's endpoints
     * (its compiled classes under {@code target/classes}), each described (see {@link #defects}); Swagger UI is served.
     */
    public static void assertTheServiceIsDescribed(String problemSchema) {
        Map<String, Object> document = io.restassured.RestAssured.given().auth().none().accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath().getMap("$");
        org.junit.jupiter.api.Assertions.assertEquals(endpoints(Path.of("target/classes")), operations(document),
                "the OpenAPI document lists every endpoint, and only those");
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), defects(document, problemSchema));
        io.restassured.RestAssured.given().auth().none().get("/q/swagger-ui/").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("text/html"));
    }

    /** {@code "POST /deployments/{id}/{action}"} for every resource method of the classes under {@code classes}. */
    public static Set<String> endpoints(Path classes) {
        Set<String> found = new TreeSet<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    continue; // not loadable on its own (a synthetic or generated class): not a resource
                }
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    String verb = httpMethod(m);
                    if (verb != null) {
                        jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                        found.add(verb + " " + path(root.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** {@code "POST /deployments"} for every operation the document lists. */
    @SuppressWarnings("unchecked")
    public static Set<String> operations(Map<String, Object> document) {
        Set<String> found = new TreeSet<>();
        Map<String, Object> paths = (Map<String, Object>) document.getOrDefault("paths", Map.of());
        paths.forEach((path, item) -> ((Map<String, Object>) item).keySet().stream().filter(METHODS::contains)
                .forEach(verb -> found.add(verb.toUpperCase(Locale.ROOT) + " " + path)));
        return found;
    }

    /**
     * What the document leaves out: an operation without a security requirement naming a declared scheme, without a
     * 2xx response, under the bearer scheme without a 401, or with a 4xx/5xx response that is not problem+json referring to {@code problemSchema}; a missing
     * problem schema. Empty when it says everything.
     */
    @SuppressWarnings("unchecked")
    public static List<String> defects(Map<String, Object> document, String problemSchema) {
        List<String> defects = new ArrayList<>();
        Map<String, Object> components = (Map<String, Object>) document.getOrDefault("components", Map.of());
        Map<String, Object> schemes = (Map<String, Object>) components.getOrDefault("securitySchemes", Map.of());
        Map<String, Object> schemas = (Map<String, Object>) components.getOrDefault("schemas", Map.of());
        if (!schemas.containsKey(problemSchema)) {
            defects.add("no schema " + problemSchema);
        }
        String problemRef = "#/components/schemas/" + problemSchema;
        Map<String, Object> paths = (Map<String, Object>) document.getOrDefault("paths", Map.of());
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((verb, op) -> {
            if (!METHODS.contains(verb)) {
                return;
            }
            String where = verb.toUpperCase(Locale.ROOT) + " " + path;
            Map<String, Object> operation = (Map<String, Object>) op;
            List<Map<String, Object>> security = (List<Map<String, Object>>) operation.getOrDefault("security",
                    document.getOrDefault("security", List.of()));
            if (security.isEmpty() || !security.stream().allMatch(r -> schemes.keySet().containsAll(r.keySet()))) {
                defects.add(where + ": no security requirement naming a declared scheme " + schemes.keySet());
            }
            Map<String, Object> responses = (Map<String, Object>) operation.getOrDefault("responses", Map.of());
            if (responses.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
                defects.add(where + ": no success response");
            }
            if (security.stream().anyMatch(r -> r.containsKey("bearer")) && !responses.containsKey("401")) {
                defects.add(where + ": under the bearer scheme but no 401 response");
            }
            responses.forEach((code, response) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) response)
                            .getOrDefault("content", Map.of());
                    Object problem = content.get("application/problem+json");
                    Object ref = problem instanceof Map<?, ?> p && p.get("schema") instanceof Map<?, ?> schema
                            ? schema.get("$ref") : null;
                    if (!problemRef.equals(ref)) {
                        defects.add(where + " " + code + ": not application/problem+json with " + problemRef);
                    }
                }
            });
        }));
        return defects;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** The two templates joined, each {@code {name: regex}} as {@code {name}}, one leading slash, none trailing. */
    static String path(String root, String sub) {
        String joined = ("/" + root + "/" + sub).replaceAll("\\{\\s*([^:}\\s]+)\\s*:[^}]*}", "{$1}")
                .replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
