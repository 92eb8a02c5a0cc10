package dev.cutover.events.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The router's admin API, for both ends: the router ({@code deploy/router}) serves it, the provisioner sets
 * weights through it, the health-monitor reads its metrics. The base URL is what the provisioner reports as
 * {@code routerAdminUrl} in {@code SlotProvisioned} and {@code TrafficShifted}.
 *
 * <ul>
 *   <li>{@code PUT} {@value #BACKENDS_PATH} with a {@link SetBackends}: replaces the backend set at once;
 *       answers the new {@link BackendTable}, or 400 with an {@link ErrorBody} (the set is then unchanged). A backend
 *       may have several members ({@link Backend#urls()}): its traffic is spread over them, its metrics stay one
 *       backend's.</li>
 *   <li>{@code GET} {@value #BACKENDS_PATH}: the {@link BackendTable}, with requests in flight per backend.</li>
 *   <li>{@code PUT} {@value #SECURITY_PATH} with a {@link Security}: replaces the router's HTTPS redirect and
 *       security headers at once (the next request sees them, no request is dropped); answers the {@link Security}
 *       now in force, or 400 with an {@link ErrorBody} (unchanged then).</li>
 *   <li>{@code GET} {@value #SECURITY_PATH}: the {@link Security} in force (all off on a fresh router).</li>
 *   <li>{@code GET} {@value #HEALTH_PATH}: a {@link Health}, naming the target the router serves.</li>
 *   <li>{@code GET} {@value #METRICS_PATH}: Prometheus text; per backend (label {@value #BACKEND_LABEL}):
 *       {@value #REQUESTS_TOTAL} (also by {@code version} and {@code status_class}), {@value #ERRORS_TOTAL},
 *       {@value #REQUEST_DURATION_SECONDS}{@code _bucket/_count/_sum} and {@value #INFLIGHT}; and
 *       {@value #UNROUTED_TOTAL}.</li>
 * </ul>
 */
public final class RouterAdminApi {

    public static final String BACKENDS_PATH = "/backends";
    public static final String SECURITY_PATH = "/security";
    public static final String HEALTH_PATH = "/health";
    public static final String METRICS_PATH = "/metrics";

    public static final String BACKEND_LABEL = "backend";
    public static final String REQUESTS_TOTAL = "cutover_router_requests_total";
    public static final String ERRORS_TOTAL = "cutover_router_errors_total";
    public static final String REQUEST_DURATION_SECONDS = "cutover_router_request_duration_seconds";
    public static final String REQUEST_DURATION_BUCKET = REQUEST_DURATION_SECONDS + "_bucket";
    public static final String INFLIGHT = "cutover_router_inflight";
    public static final String UNROUTED_TOTAL = "cutover_router_unrouted_total";

    /**
     * The JSON mapping of both ends. Strict where a lenient read would change a request's meaning: a weight
     * must be a JSON integer (not {@code "10"}, not {@code 10.5}, not null), a flag a JSON boolean (not
     * {@code "true"}, not {@code 1}), text must be a JSON string, a list a JSON array. Unknown fields are ignored; null fields are left out when writing.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private RouterAdminApi() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code path} (a {@code *_PATH} constant) under an admin base URL such as {@code http://127.0.0.1:18081}. */
    public static URI uri(String adminUrl, String path) {
        String base = adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        return URI.create(base + path);
    }

    /**
     * One backend of a {@code PUT /backends}: {@code url} is {@code http://<loopback>:<port>}, {@code weight}
     * 0..100 (relative; 0 gets no new requests), {@code version} optional (shown in metrics and the table).
     * {@code urls}, optional: every member of the backend ({@code url} among them), for a slot that runs several
     * instances behind its one backend; the router spreads the backend's share of the traffic over them and counts
     * it under the one backend {@code id}. Absent, empty or just {@code [url]}: {@code url} is the only member (and
     * {@code urls} is then left out, so a single-member backend reads and writes as before).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Backend(@JsonProperty(required = true) String id, @JsonProperty(required = true) String url,
                          @JsonProperty(required = true) int weight, String version, List<String> urls) {

        public Backend {
            urls = wireUrls(url, urls);
        }

        /** A backend with one member. */
        public Backend(String id, String url, int weight, String version) {
            this(id, url, weight, version, null);
        }

        /** Every member's URL: {@code urls}, or {@code url} alone. */
        public List<String> members() {
            return urls == null ? Collections.singletonList(url) : urls;
        }
    }

    /** {@code urls} as the wire carries it: null when {@code url} is the only member. Null elements are kept, for the router to reject. */
    private static List<String> wireUrls(String url, List<String> urls) {
        if (urls == null || urls.isEmpty() || urls.size() == 1 && Objects.equals(urls.get(0), url)) {
            return null;
        }
        return Collections.unmodifiableList(new ArrayList<>(urls));
    }

    /** The body of {@code PUT /backends}: the whole new set (ids unique). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SetBackends(@JsonProperty(required = true) List<Backend> backends) {
    }

    /** A backend in the routing table, with its requests in flight (over all its members). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RoutedBackend(String id, String url, int weight, String version, int inflight, List<String> urls) {

        public RoutedBackend {
            urls = wireUrls(url, urls);
        }

        /** A backend with one member. */
        public RoutedBackend(String id, String url, int weight, String version, int inflight) {
            this(id, url, weight, version, inflight, null);
        }

        /** The {@code PUT} entry that set it. */
        public Backend asBackend() {
            return new Backend(id, url, weight, version, urls);
        }
    }

    /** A backend taken out of the set that still has requests in flight. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DrainingBackend(String id, String url, String version, int inflight, List<String> urls) {

        public DrainingBackend {
            urls = wireUrls(url, urls);
        }

        /** A backend with one member. */
        public DrainingBackend(String id, String url, String version, int inflight) {
            this(id, url, version, inflight, null);
        }
    }

    /** The answer of {@code GET} and {@code PUT /backends}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BackendTable(String target, int totalWeight, List<RoutedBackend> backends,
                               List<DrainingBackend> draining) {

        public BackendTable {
            backends = backends == null ? List.of() : List.copyOf(backends);
            draining = draining == null ? List.of() : List.copyOf(draining);
        }

        /** Requests in flight to backend {@code id}, whether still in the set or draining. */
        public int inflight(String id) {
            return backends.stream().filter(b -> b.id().equals(id)).mapToInt(RoutedBackend::inflight).sum()
                    + draining.stream().filter(b -> b.id().equals(id)).mapToInt(DrainingBackend::inflight).sum();
        }
    }

    /**
     * The body of {@code PUT /security} and the answer of {@code GET} and {@code PUT /security}: what the router
     * does to the traffic it carries, whatever its backends answer.
     * <ul>
     *   <li>{@code httpsOnly}: a request that did not arrive over HTTPS ({@code X-Forwarded-Proto} is not
     *       {@code https}; the local router has no TLS of its own) is answered {@code 308} to the {@code https://}
     *       URL of the same host (without its port) and path, and never reaches a backend;</li>
     *   <li>{@code hsts}: every proxied response carries {@code Strict-Transport-Security: max-age=31536000;
     *       includeSubDomains};</li>
     *   <li>{@code csp}: when present, every proxied response carries {@code Content-Security-Policy: <csp>}
     *       (absent or blank: no header). Visible ASCII and spaces only.</li>
     * </ul>
     * Both flags are required in a {@code PUT}: it replaces the whole setting.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Security(@JsonProperty(required = true) boolean httpsOnly,
                           @JsonProperty(required = true) boolean hsts, String csp) {

        /** A fresh router's setting: no redirect, no headers. */
        public static final Security OFF = new Security(false, false, null);

        public Security {
            csp = csp == null || csp.isBlank() ? null : csp;
        }
    }

    /** The answer of {@code GET /health}: {@code status} UP and the {@code app/env} the router serves. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Health(String status, String target) {
    }

    /** The body of every 4xx answer. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorBody(String error) {
    }
}
