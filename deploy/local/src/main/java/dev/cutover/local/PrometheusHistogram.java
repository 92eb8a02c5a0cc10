package dev.cutover.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One histogram's cumulative buckets as a service's {@code /q/metrics} shows them now (Prometheus text format), and
 * quantiles of what was recorded between two such readings, interpolated within a bucket as Prometheus'
 * {@code histogram_quantile} does.
 */
record PrometheusHistogram(TreeMap<Double, Double> buckets) {

    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The buckets of {@code <name>_bucket} (seconds); empty when the service does not answer or has none yet. */
    static PrometheusHistogram scrape(URI service, String name) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        try {
            String text = HTTP.send(HttpRequest.newBuilder(service.resolve("/q/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            String prefix = name + "_bucket{";
            text.lines().filter(l -> l.startsWith(prefix)).forEach(l -> {
                Matcher m = LE.matcher(l);
                if (m.find()) {
                    double le = "+Inf".equals(m.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                    double count = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                    buckets.merge(le, count, Double::sum);
                }
            });
        } catch (IOException | RuntimeException e) {
            return new PrometheusHistogram(buckets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new PrometheusHistogram(buckets);
    }

    /** How many were recorded since {@code before}. */
    long countSince(PrometheusHistogram before) {
        return Math.round(delta(before).getOrDefault(Double.POSITIVE_INFINITY, 0.0));
    }

    /** The q-quantile (0..1) in milliseconds of what was recorded since {@code before}; -1 when nothing was. */
    long quantileMillisSince(PrometheusHistogram before, double q) {
        TreeMap<Double, Double> d = delta(before);
        double total = d.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return -1;
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> e : d.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return Math.round(lower * 1000); // above the last finite bound: that bound, as Prometheus does
                }
                double inBucket = e.getValue() - below;
                double fraction = inBucket <= 0 ? 1 : (rank - below) / inBucket;
                return Math.round((lower + (e.getKey() - lower) * fraction) * 1000);
            }
            lower = e.getKey();
            below = e.getValue();
        }
        return Math.round(lower * 1000);
    }

    private TreeMap<Double, Double> delta(PrometheusHistogram before) {
        TreeMap<Double, Double> d = new TreeMap<>();
        buckets.forEach((le, count) -> d.put(le, count - before.buckets().getOrDefault(le, 0.0)));
        return d;
    }
}
