package dev.cutover.provisioner.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One item of the Azure Retail Prices API ({@code https://prices.azure.com/api/retail/prices}), with the fields the
 * estimate uses; the table keeps the API's names so a page of the API is a table.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PriceItem(String currencyCode, double tierMinimumUnits, double retailPrice, double unitPrice,
                        String armRegionName, String meterName, String productName, String skuName,
                        String armSkuName, String serviceName, String unitOfMeasure, String effectiveStartDate, String type) {
}
