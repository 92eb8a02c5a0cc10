package dev.cutover.provisioner.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.provisioner.plan.PriceTable.Meter;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites the price table from the Azure Retail Prices API ({@value #API}) with today's date: for every meter the
 * table has (service, product, SKU, meter name, region), one query {@code $filter=serviceName eq '...' and ...},
 * following {@code NextPageLink}, keeping the pay-as-you-go first-tier price. All or nothing: a meter the API no
 * longer lists, or an API that cannot be reached, leaves the table as it was and says so (exit status 1 / 2).
 * Run by {@code deploy/azure/refresh-prices.sh}.
 */
public final class PriceTableRefresh {

    public static final String API = "https://prices.azure.com/api/retail/prices";
    static final String DEFAULT_TABLE = "provisioner-service/src/main/resources/" + PriceTable.RESOURCE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String api;

    PriceTableRefresh(HttpClient http, String api) {
        this.http = http;
        this.api = api;
    }

    /** Could not get prices (no network, the API failing): nothing was written. */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code [table-file] [--api URL]}. */
    public static void main(String[] args) {
        Path table = Path.of(DEFAULT_TABLE);
        String api = API;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--api") && i + 1 < args.length) {
                api = args[++i];
            } else {
                table = Path.of(args[i]);
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            PriceTable refreshed = new PriceTableRefresh(http, api).refresh(table, LocalDate.now(ZoneOffset.UTC));
            System.out.printf("%s: %d prices as of %s%n", table, refreshed.items().size(), refreshed.date());
        } catch (Unreachable e) {
            System.err.println("refresh-prices: " + e.getMessage() + " — the table was left unchanged");
            System.exit(2);
        } catch (IOException | IllegalStateException e) {
            System.err.println("refresh-prices: " + e.getMessage() + " — the table was left unchanged");
            System.exit(1);
        }
    }

    /** Fetches every meter of {@code file}'s table and rewrites it dated {@code today}. */
    PriceTable refresh(Path file, LocalDate today) throws IOException, Unreachable {
        PriceTable current;
        try (InputStream in = Files.newInputStream(file)) {
            current = PriceTable.read(in);
        }
        Map<Meter, PriceItem> fresh = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (PriceItem item : current.items()) {
            Meter meter = meterOf(item);
            if (fresh.containsKey(meter)) {
                continue;
            }
            Optional<PriceItem> found = new PriceTable(today.toString(), current.currency(), fetch(meter)).find(meter);
            if (found.isPresent()) {
                fresh.put(meter, found.get());
            } else {
                missing.add(meter.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the API lists no pay-as-you-go price for " + missing);
        }
        PriceTable refreshed = new PriceTable(today.toString(), current.currency(), List.copyOf(fresh.values()));
        Files.writeString(file, refreshed.toJson("Prices from the Azure Retail Prices API (" + api + "), fetched "
                + today + " by deploy/azure/refresh-prices.sh: pay-as-you-go, first tier, " + current.currency()
                + "."));
        return refreshed;
    }

    static Meter meterOf(PriceItem item) {
        return new Meter(item.serviceName(), item.productName(), item.skuName(), item.meterName(), item.armRegionName(),
                item.unitOfMeasure());
    }

    /** The API's {@code $filter} for one meter (OData; quotes doubled). */
    static String filter(Meter m) {
        return "serviceName eq '" + quote(m.serviceName()) + "' and armRegionName eq '" + quote(m.region())
                + "' and productName eq '" + quote(m.productName()) + "' and skuName eq '" + quote(m.skuName())
                + "' and meterName eq '" + quote(m.meterName()) + "' and priceType eq 'Consumption'";
    }

    private List<PriceItem> fetch(Meter meter) throws Unreachable, IOException {
        List<PriceItem> items = new ArrayList<>();
        String next = api + "?$filter=" + URLEncoder.encode(filter(meter), StandardCharsets.UTF_8).replace("+", "%20");
        for (int pages = 0; next != null && pages < 50; pages++) {
            HttpResponse<InputStream> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create(next)).timeout(Duration.ofSeconds(30)).GET()
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new Unreachable("cannot reach " + api + " (" + e + "): is there a network?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unreachable("interrupted", e);
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new Unreachable(api + " answered " + response.statusCode(), null);
            }
            try (InputStream body = response.body()) {
                Page page = Page.read(body);
                items.addAll(page.items());
                next = page.nextPageLink();
            }
        }
        return items;
    }

    /** One page of the API: its items and the link to the next page (absent on the last). */
    record Page(List<PriceItem> items, String nextPageLink) {

        static Page read(InputStream in) throws IOException {
            JsonNode root = JSON.readTree(in);
            List<PriceItem> items = JSON.convertValue(root.path("Items"), new TypeReference<List<PriceItem>>() {
            });
            String next = root.path("NextPageLink").isTextual() ? root.path("NextPageLink").asText() : null;
            return new Page(items, next == null || next.isBlank() ? null : next);
        }
    }

    private static String quote(String value) {
        return value == null ? "" : value.replace("'", "''");
    }
}
