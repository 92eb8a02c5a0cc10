package dev.cutover.provisioner.plan;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.provisioner.plan.PriceTable.Meter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The price refresh on saved pages of the Azure Retail Prices API, served over real HTTP: it queries each meter of
 * the table, follows NextPageLink, keeps the pay-as-you-go first-tier Linux price (not Spot, Low Priority, Windows,
 * reservations or a later tier), and dates the table; without the API it fails and leaves the table alone.
 */
class PriceTableRefreshTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);
    private static final Meter D4S_V3 = new Meter("Virtual Machines", "Virtual Machines DSv3 Series", "D4s v3",
            "D4s v3", "westeurope", CostEstimator.HOUR);
    private static final Meter HOT_GRS = new Meter("Storage", "General Block Blob v2", "Hot GRS",
            "Hot GRS Data Stored", "westeurope", CostEstimator.GB_MONTH);

    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serveSavedPages() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/api/retail/prices", exchange -> {
            queries.add(exchange.getRequestURI().getQuery());
            String page = exchange.getRequestURI().getQuery().contains("page=2") ? "retail-prices-page-2.json"
                    : "retail-prices-page-1.json";
            byte[] body = saved(page).replace("\"NEXT\"", "\"" + base + "/api/retail/prices?page=2\"")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aSavedPageIsReadWithItsItemsAndNextPage() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("prices/retail-prices-page-1.json")) {
            PriceTableRefresh.Page page = PriceTableRefresh.Page.read(in);
            assertEquals(6, page.items().size());
            assertEquals("NEXT", page.nextPageLink());
            assertEquals("Standard_D4s_v3", page.items().get(0).armSkuName());
        }
    }

    @Test
    void everyMeterOfTheTableIsFetchedAndTheTableDatedToday() throws Exception {
        Path table = table(D4S_V3, HOT_GRS);

        PriceTable refreshed = refresh().refresh(table, TODAY);

        PriceTable written = read(table);
        assertEquals("2026-12-01", written.date());
        assertEquals(refreshed, written);
        assertEquals(0.25, written.find(D4S_V3).orElseThrow().unitPrice(), "newest Linux pay-as-you-go price");
        assertEquals(0.041, written.find(HOT_GRS).orElseThrow().unitPrice(), "first tier, from the second page");
        assertEquals(2, written.items().size());
        assertTrue(queries.get(0).contains("$filter=serviceName eq 'Virtual Machines' and armRegionName eq"
                + " 'westeurope' and productName eq 'Virtual Machines DSv3 Series' and skuName eq 'D4s v3'"),
                queries.get(0));
        assertTrue(queries.contains("page=2"), "followed NextPageLink");
    }

    @Test
    void withoutTheApiTheRefreshFailsAndTheTableStays() throws Exception {
        Path table = table(D4S_V3);
        String before = Files.readString(table);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }

        assertThrows(PriceTableRefresh.Unreachable.class, () -> new PriceTableRefresh(HttpClient.newHttpClient(),
                "http://127.0.0.1:" + closed + "/api/retail/prices").refresh(table, TODAY));
        assertEquals(before, Files.readString(table));
    }

    @Test
    void aMeterTheApiNoLongerListsFailsTheRefreshAndTheTableStays() throws Exception {
        Path table = table(D4S_V3, new Meter("Virtual Machines", "Virtual Machines DSv3 Series", "D8s v3", "D8s v3",
                "westeurope", CostEstimator.HOUR));
        String before = Files.readString(table);

        assertThrows(IllegalStateException.class, () -> refresh().refresh(table, TODAY));
        assertEquals(before, Files.readString(table));
    }

    @Test
    void theCheckedInTableHasADateAndThePricesTheEnvironmentsUse() {
        PriceTable table = PriceTable.load();
        assertTrue(table.date().matches("\\d{4}-\\d{2}-\\d{2}"));
        for (String region : List.of("westeurope", "eastus")) {
            for (String size : List.of("B2s", "D2s v3", "D4s v3")) {
                assertTrue(table.find(new Meter("Virtual Machines", null, size, null, region, CostEstimator.HOUR))
                        .isPresent(), size + " in " + region);
            }
            for (String sku : List.of("B2", "P1 v3", "P2 v3")) {
                assertTrue(table.find(new Meter("Azure App Service", null, sku, null, region, CostEstimator.HOUR))
                        .isPresent(), sku + " in " + region);
            }
            for (String redundancy : List.of("LRS", "GRS")) {
                assertTrue(table.find(new Meter("Storage", "General Block Blob v2", "Hot " + redundancy, null, region,
                        CostEstimator.GB_MONTH)).isPresent(), redundancy + " in " + region);
            }
        }
    }

    private PriceTableRefresh refresh() {
        return new PriceTableRefresh(HttpClient.newHttpClient(),
                "http://127.0.0.1:" + server.getAddress().getPort() + "/api/retail/prices");
    }

    private Path table(Meter... meters) throws IOException {
        List<PriceItem> items = java.util.Arrays.stream(meters).map(m -> new PriceItem("USD", 0, 1, 1, m.region(),
                m.meterName(), m.productName(), m.skuName(), "", m.serviceName(), m.unit(), "2020-01-01T00:00:00Z",
                "Consumption")).toList();
        Path file = dir.resolve("prices.json");
        Files.writeString(file, new PriceTable("2020-01-01", "USD", items).toJson("test"));
        return file;
    }

    private static PriceTable read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PriceTable.read(in);
        }
    }

    private static String saved(String name) throws IOException {
        try (InputStream in = PriceTableRefreshTest.class.getClassLoader().getResourceAsStream("prices/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
