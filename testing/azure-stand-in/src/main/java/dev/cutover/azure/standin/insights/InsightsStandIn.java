package dev.cutover.azure.standin.insights;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.azure.standin.ArmIds;
import dev.cutover.azure.standin.ArmRequest;
import dev.cutover.azure.standin.ArmResponse;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The stand-in's Azure Monitor metrics API of App Service sites and slots,
 * {@code GET {resourceUri}/providers/Microsoft.Insights/metrics?timespan=<start>/<end>&interval=PT1M
 * &metricnames=Requests,Http5xx,HttpResponseTime&aggregation=Total,Average,...}, answered in the real response shape
 * ({@code cost}, {@code timespan}, {@code interval}, {@code namespace}, {@code resourceregion}, and per metric
 * {@code id}, {@code type}, {@code name.value}, {@code unit}, {@code timeseries[].data[]} with {@code timeStamp} and
 * the aggregations asked for), computed from the requests {@link ArmStandIn#metrics()} recorded for the resource.
 *
 * <p>As Azure Monitor: one data point per {@code interval} from the start (aligned down to the interval) while the
 * point's start is before the end; a point aggregates every request recorded in its interval. {@code Requests} and
 * the {@code Http<n>xx} counts are metrics of unit {@code Count} whose every matching request is a sample of 1 (so
 * {@code total} and {@code count} are the number of requests; {@code average}, {@code minimum}, {@code maximum}
 * are 1 when there were any); {@code HttpResponseTime} is in {@code Seconds}, one sample per request. Points without
 * samples carry {@code total} and {@code count} 0 and no average, minimum or maximum. A resource that does not exist
 * answers 404 {@code ResourceNotFound}, a metric name App Service does not have 400 {@code BadRequest}.
 */
public final class InsightsStandIn {

    /** The path of a metrics query; the resource is whatever ARM id is before {@code /providers/Microsoft.Insights}. */
    public static final String METRICS_PATH = "/+(?<resource>subscriptions/.+?)/providers/Microsoft\\.Insights/metrics";

    private enum Kind {
        COUNT, SECONDS
    }

    private record Definition(String name, String description, Kind kind, String primaryAggregation, IntPredicate status) {
    }

    private static final List<Definition> DEFINITIONS = List.of(
            new Definition("Requests", "The total number of requests regardless of their resulting HTTP status code.",
                    Kind.COUNT, "Total", s -> true),
            new Definition("Http2xx", "The count of requests resulting in an HTTP status code >= 200 but < 300.",
                    Kind.COUNT, "Total", s -> s / 100 == 2),
            new Definition("Http3xx", "The count of requests resulting in an HTTP status code >= 300 but < 400.",
                    Kind.COUNT, "Total", s -> s / 100 == 3),
            new Definition("Http4xx", "The count of requests resulting in an HTTP status code >= 400 but < 500.",
                    Kind.COUNT, "Total", s -> s / 100 == 4),
            new Definition("Http5xx", "The count of requests resulting in an HTTP status code >= 500 but < 600.",
                    Kind.COUNT, "Total", s -> s / 100 == 5),
            new Definition("HttpResponseTime", "The time taken for the app to serve requests, in seconds.",
                    Kind.SECONDS, "Average", s -> true));

    private static final List<String> AGGREGATIONS = List.of("Total", "Average", "Minimum", "Maximum", "Count");

    private final ArmStandIn arm;
    private final Clock clock;

    private InsightsStandIn(ArmStandIn arm, Clock clock) {
        this.arm = arm;
        this.clock = clock;
    }

    /** Adds the metrics API to {@code arm}. */
    public static InsightsStandIn install(ArmStandIn arm) {
        return install(arm, Clock.systemUTC());
    }

    /** As {@link #install(ArmStandIn)}, with the clock that says "now" when a query gives no timespan. */
    public static InsightsStandIn install(ArmStandIn arm, Clock clock) {
        InsightsStandIn insights = new InsightsStandIn(arm, clock);
        arm.route("GET", METRICS_PATH, insights::metrics);
        return insights;
    }

    private ArmResponse metrics(ArmRequest request) {
        String resourceId = "/" + request.group("resource");
        if (!arm.exists(resourceId)) {
            return ArmResponse.error(404, "ResourceNotFound", "The Resource '" + ArmIds.type(resourceId) + "/"
                    + ArmIds.name(resourceId) + "' under resource group '" + ArmIds.resourceGroup(resourceId)
                    + "' was not found.");
        }
        Duration interval;
        Instant[] span;
        try {
            interval = Duration.parse(request.query().getOrDefault("interval", "PT1M"));
            span = timespan(request.query().get("timespan"));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return ArmResponse.error(400, "BadRequest", "Invalid timespan or interval: " + e.getMessage());
        }
        if (interval.compareTo(Duration.ofMinutes(1)) < 0 || !span[0].isBefore(span[1])) {
            return ArmResponse.error(400, "BadRequest", "The interval must be at least PT1M and the timespan's start"
                    + " before its end.");
        }
        List<Definition> asked = new ArrayList<>();
        for (String name : list(request.query().getOrDefault("metricnames", "Requests"))) {
            Definition d = DEFINITIONS.stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst().orElse(null);
            if (d == null) {
                return ArmResponse.error(400, "BadRequest", "Failed to find metric configuration for provider:"
                        + " Microsoft.Web, resource Type: " + ArmIds.type(resourceId) + ", metric: " + name
                        + ", Valid metrics: " + String.join(",", DEFINITIONS.stream().map(Definition::name).toList()));
            }
            asked.add(d);
        }
        List<String> aggregations = new ArrayList<>();
        String aggregationParam = request.query().get("aggregation");
        if (aggregationParam != null) {
            for (String a : list(aggregationParam)) {
                String known = AGGREGATIONS.stream().filter(x -> x.equalsIgnoreCase(a)).findFirst().orElse(null);
                if (known == null) {
                    return ArmResponse.error(400, "BadRequest", "Invalid aggregation " + a + "; valid: " + AGGREGATIONS);
                }
                aggregations.add(known);
            }
        }
        long grain = interval.toMillis();
        Instant first = Instant.ofEpochMilli(Math.floorDiv(span[0].toEpochMilli(), grain) * grain);
        List<Metrics.Request> requests = arm.metrics().requests(resourceId, first, span[1].plus(interval));

        ObjectNode body = ArmStandIn.JSON.createObjectNode();
        body.put("cost", 0);
        body.put("timespan", span[0] + "/" + span[1]);
        body.put("interval", interval.toString());
        ArrayNode value = body.putArray("value");
        for (Definition d : asked) {
            ObjectNode metric = value.addObject();
            metric.put("id", resourceId + "/providers/Microsoft.Insights/metrics/" + d.name());
            metric.put("type", "Microsoft.Insights/metrics");
            ObjectNode name = metric.putObject("name");
            name.put("value", d.name());
            name.put("localizedValue", d.name());
            metric.put("displayDescription", d.description());
            metric.put("unit", d.kind() == Kind.COUNT ? "Count" : "Seconds");
            ObjectNode series = metric.putArray("timeseries").addObject();
            series.putArray("metadatavalues");
            ArrayNode data = series.putArray("data");
            List<String> wanted = aggregations.isEmpty() ? List.of(d.primaryAggregation()) : aggregations;
            for (Instant at = first; at.isBefore(span[1]); at = at.plus(interval)) {
                Instant from = at;
                Instant to = at.plus(interval);
                double[] samples = requests.stream()
                        .filter(r -> !r.at().isBefore(from) && r.at().isBefore(to) && d.status().test(r.status()))
                        .mapToDouble(r -> d.kind() == Kind.COUNT ? 1.0 : r.latencyMs() / 1000.0).toArray();
                data.add(point(at, samples, wanted));
            }
            metric.put("errorCode", "Success");
        }
        body.put("namespace", ArmIds.type(resourceId));
        body.put("resourceregion", arm.resource(resourceId).map(r -> r.path("location").asText("westeurope"))
                .filter(s -> !s.isEmpty()).orElse("westeurope"));
        return ArmResponse.ok(body);
    }

    private static ObjectNode point(Instant at, double[] samples, List<String> aggregations) {
        ObjectNode p = ArmStandIn.JSON.createObjectNode();
        p.put("timeStamp", at.toString());
        double total = Arrays.stream(samples).sum();
        for (String a : aggregations) {
            switch (a) {
                case "Total" -> p.put("total", total);
                case "Count" -> p.put("count", (double) samples.length);
                case "Average" -> {
                    if (samples.length > 0) {
                        p.put("average", total / samples.length);
                    }
                }
                case "Minimum" -> {
                    if (samples.length > 0) {
                        p.put("minimum", Arrays.stream(samples).min().getAsDouble());
                    }
                }
                case "Maximum" -> {
                    if (samples.length > 0) {
                        p.put("maximum", Arrays.stream(samples).max().getAsDouble());
                    }
                }
                default -> throw new IllegalStateException(a);
            }
        }
        return p;
    }

    /** {@code start/end}, {@code start/duration} or {@code duration} (ending now); absent: the last hour, as Azure. */
    private Instant[] timespan(String timespan) {
        Instant now = clock.instant();
        if (timespan == null || timespan.isBlank()) {
            return new Instant[] {now.minus(Duration.ofHours(1)), now};
        }
        String[] parts = timespan.split("/");
        if (parts.length == 1) {
            return new Instant[] {now.minus(Duration.parse(parts[0])), now};
        }
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected <start>/<end>: " + timespan);
        }
        Instant start = instant(parts[0]);
        Instant end = parts[1].startsWith("P") ? start.plus(Duration.parse(parts[1])) : instant(parts[1]);
        return new Instant[] {start, end};
    }

    private static Instant instant(String s) {
        return OffsetDateTime.parse(s).toInstant();
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** For tests: the metric names this stand-in answers. */
    public static List<String> metricNames() {
        return DEFINITIONS.stream().map(Definition::name).toList();
    }
}
