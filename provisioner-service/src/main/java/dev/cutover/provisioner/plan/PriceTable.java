package dev.cutover.provisioner.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The dated price table kept in the repository ({@value #RESOURCE}): a page of the Azure Retail Prices API
 * ({@code BillingCurrency}, {@code Items}) plus {@code priceTableDate}, the day its prices were taken. Estimates say
 * that date, so nobody mistakes them for today's prices. {@code deploy/azure/refresh-prices.sh} rewrites it
 * ({@link PriceTableRefresh}).
 */
public record PriceTable(String date, String currency, List<PriceItem> items) {

    public static final String RESOURCE = "prices/azure-retail-prices.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public PriceTable {
        items = List.copyOf(items);
    }

    /** The table on the classpath. */
    public static PriceTable load() {
        try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("price table " + RESOURCE + " is not on the classpath");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price table " + RESOURCE, e);
        }
    }

    public static PriceTable read(InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        List<PriceItem> items = JSON.convertValue(root.path("Items"), new TypeReference<List<PriceItem>>() {
        });
        return new PriceTable(root.path("priceTableDate").asText(null), root.path("BillingCurrency").asText("USD"),
                items);
    }

    /** The table as JSON, with a note saying where its prices come from. */
    public String toJson(String note) {
        ObjectNode root = JSON.createObjectNode();
        root.put("priceTableDate", date);
        root.put("note", note);
        root.put("BillingCurrency", currency);
        root.set("Items", JSON.valueToTree(items));
        root.put("Count", items.size());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pay-as-you-go ({@code Consumption}) first-tier price of {@code meter}; of several, the newest (latest
     * {@code effectiveStartDate}).
     */
    public Optional<PriceItem> find(Meter meter) {
        return items.stream()
                .filter(i -> "Consumption".equals(i.type()))
                .filter(i -> meter.serviceName().equals(i.serviceName()))
                .filter(i -> meter.region().equalsIgnoreCase(i.armRegionName()))
                .filter(i -> meter.productName() == null || meter.productName().equals(i.productName()))
                .filter(i -> meter.skuName() == null || meter.skuName().equals(i.skuName()))
                .filter(i -> meter.meterName() == null || meter.meterName().equals(i.meterName()))
                .filter(i -> Objects.equals(meter.unit(), i.unitOfMeasure()))
                .filter(i -> i.tierMinimumUnits() == 0)
                .max(Comparator.comparing(i -> i.effectiveStartDate() == null ? "" : i.effectiveStartDate()));
    }

    /**
     * What a resource is billed by, as the Retail Prices API names it ({@code productName}, {@code skuName},
     * {@code meterName} absent: any), in {@code region} per {@code unit} ({@code 1 Hour}, {@code 1 GB/Month}).
     */
    public record Meter(String serviceName, String productName, String skuName, String meterName, String region,
                        String unit) {
    }
}
