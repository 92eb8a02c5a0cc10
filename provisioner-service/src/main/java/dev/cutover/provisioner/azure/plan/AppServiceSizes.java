package dev.cutover.provisioner.azure.plan;

import java.util.Locale;
import java.util.Map;

/**
 * App Service plan tiers for the sizes environments name. {@code infrastructure.instance-size} is an Azure VM size
 * ({@code Standard_D4s_v3}), which a scale set runs as it is; an App Service plan has its own tiers, so a VM size is
 * mapped to the Linux plan tier with the same vCPUs and about the same memory (B2s 2/4 GiB → B2 2/3.5; D2s_v3 2/8 →
 * P1v3 2/8; D4s_v3 4/16 → P2v3 4/16; D8s_v3 8/32 → P3v3 8/32). An App Service tier ({@code P1v3}, {@code S1}) is used
 * as it is. The same table is in {@code prices/README.md}.
 */
public final class AppServiceSizes {

    private static final Map<String, String> VM_TO_PLAN = Map.of(
            "standard_b1s", "B1",
            "standard_b1ms", "B1",
            "standard_b2s", "B2",
            "standard_b2ms", "B2",
            "standard_b4ms", "B3",
            "standard_d2s_v3", "P1v3",
            "standard_d4s_v3", "P2v3",
            "standard_d8s_v3", "P3v3");
    public static final String DEFAULT_PLAN = "B1";

    private AppServiceSizes() {
    }

    /** The plan SKU ({@code P2v3}) for {@code size}, or null if it is neither a known VM size nor a plan tier. */
    public static String planSku(String size) {
        if (size == null || size.isBlank()) {
            return DEFAULT_PLAN;
        }
        String mapped = VM_TO_PLAN.get(size.toLowerCase(Locale.ROOT));
        if (mapped != null) {
            return mapped;
        }
        return size.matches("(?i)(B[1-3]|S[1-3]|P[0-3]v[23]|P[1-3]mv3)") ? normalise(size) : null;
    }

    /** ARM's tier of a plan SKU: Basic, Standard, PremiumV2, PremiumV3. */
    public static String tier(String planSku) {
        String s = planSku.toUpperCase(Locale.ROOT);
        return s.startsWith("B") ? "Basic" : s.startsWith("S") ? "Standard" : s.endsWith("V2") ? "PremiumV2"
                : "PremiumV3";
    }

    /** The Retail Prices API's product of a Linux plan tier. */
    public static String priceProduct(String planSku) {
        return switch (tier(planSku)) {
            case "Basic" -> "Azure App Service Basic Plan - Linux";
            case "Standard" -> "Azure App Service Standard Plan - Linux";
            case "PremiumV2" -> "Azure App Service Premium v2 Plan - Linux";
            default -> "Azure App Service Premium v3 Plan - Linux";
        };
    }

    /** The Retail Prices API's skuName of a plan tier ({@code P2v3} → {@code P2 v3}). */
    public static String priceSku(String planSku) {
        return planSku.replaceAll("(?i)v([23])$", " v$1");
    }

    private static String normalise(String sku) {
        return sku.substring(0, sku.length() - (sku.toLowerCase(Locale.ROOT).matches(".*v[23]$") ? 2 : 0))
                .toUpperCase(Locale.ROOT) + (sku.toLowerCase(Locale.ROOT).matches(".*v[23]$")
                ? sku.substring(sku.length() - 2).toLowerCase(Locale.ROOT) : "");
    }
}
