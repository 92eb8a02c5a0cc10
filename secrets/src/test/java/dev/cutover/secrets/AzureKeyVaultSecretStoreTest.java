package dev.cutover.secrets;

import com.azure.core.http.HttpClient;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Key Vault store through the real Azure SDK (SecretClient, its serialization, error mapping and retry policy)
 * against WireMock playing Key Vault's REST API. The client's pipeline has no authentication policy: credential-based
 * clients refuse http://, and the credential is the SDK's business, not ours. The SDK really waits between retries:
 * the waits are read from the times WireMock received the requests.
 */
class AzureKeyVaultSecretStoreTest {

    private static final String VALUE = "s3cr3t-from-the-vault";
    private static final String VERSION = "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b";
    private static WireMockServer vault;

    /** How much longer than asked a wait may take on a busy machine (the SDK sleeps, then connects again). */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final AzureKeyVaultSecretStore.Retries RETRIES =
            new AzureKeyVaultSecretStore.Retries(3, Duration.ofMillis(100), Duration.ofSeconds(5));

    private int retries;
    private AzureKeyVaultSecretStore store;

    @BeforeAll
    static void startVault() {
        vault = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        vault.start();
    }

    @AfterAll
    static void stopVault() {
        vault.stop();
    }

    @BeforeEach
    void newStore() {
        vault.resetAll();
        store = store("http://127.0.0.1:" + vault.port(), RETRIES);
    }

    private AzureKeyVaultSecretStore store(String url, AzureKeyVaultSecretStore.Retries policy) {
        return new AzureKeyVaultSecretStore(KeyVaultClientFactory.create(url, HttpClient.createDefault(), policy), policy,
                () -> retries++);
    }

    private static String secretJson(String name, String version) {
        return """
                {"value": "%s", "id": "http://vault/secrets/%s/%s",
                 "attributes": {"enabled": true, "created": 1764158400, "updated": 1764158400,
                                "recoveryLevel": "Recoverable+Purgeable"}}
                """.formatted(VALUE, name, version);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return json(status, "{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message + "\"}}");
    }

    /** The SDK asks for the current version as /secrets/{name}/ (empty version segment). */
    private static String current(String name) {
        return "/secrets/" + name + "/";
    }

    private static MappingBuilder getSecret(String path) {
        return get(urlPathEqualTo(path));
    }

    private int requestsTo(String path) {
        RequestPatternBuilder pattern = getRequestedFor(urlPathEqualTo(path));
        return vault.findAll(pattern).size();
    }

    /**
     * Each wait between two requests to {@code path} lasted at least {@code low} and less than {@code high} + slack
     * (a request's arrival to the next one's: the answer, the SDK's sleep, a new request).
     */
    private void assertWaited(String path, List<Duration> low, List<Duration> high) {
        List<LoggedRequest> requests = new ArrayList<>(vault.findAll(getRequestedFor(urlPathEqualTo(path))));
        requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        List<Duration> waits = new ArrayList<>();
        for (int i = 1; i < requests.size(); i++) {
            waits.add(Duration.ofMillis(requests.get(i).getLoggedDate().getTime() - requests.get(i - 1).getLoggedDate().getTime()));
        }
        assertEquals(low.size(), waits.size(), "waits " + waits);
        for (int i = 0; i < waits.size(); i++) {
            assertTrue(waits.get(i).compareTo(low.get(i)) >= 0, "wait " + i + " of " + waits + " shorter than " + low.get(i));
            assertTrue(waits.get(i).compareTo(high.get(i).plus(SLACK)) < 0, "wait " + i + " of " + waits + " longer than "
                    + high.get(i) + " + " + SLACK);
        }
    }

    private static SecretReference ref(String value) {
        return SecretReference.parse("DB_PASSWORD", value);
    }

    @Test
    void foundReturnsTheCurrentValue() throws Exception {
        vault.stubFor(getSecret(current("db-password")).willReturn(json(200, secretJson("db-password", VERSION))));

        assertEquals(VALUE, store.resolve(ref("secret://db-password")));
        assertEquals(1, requestsTo(current("db-password")));
        assertTrue(vault.findAll(getRequestedFor(urlPathEqualTo(current("db-password")))).get(0).getUrl()
                .contains("api-version="), "the SDK speaks the versioned REST API");
    }

    @Test
    void aPinnedVersionIsRequestedByItsPath() throws Exception {
        vault.stubFor(getSecret("/secrets/db-password/" + VERSION).willReturn(json(200, secretJson("db-password", VERSION))));

        assertEquals(VALUE, store.resolve(ref("secret://db-password/" + VERSION)));
        assertEquals(1, requestsTo("/secrets/db-password/" + VERSION));
        assertEquals(0, requestsTo(current("db-password")));
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(error(404, "SecretNotFound", "A secret with (name/id) db-password was not found in this key vault."),
                        SecretStoreException.NotFound.class, "secret 'db-password' not found in azure-keyvault"),
                Arguments.of(error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.")
                                .withHeader("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/t\", resource=\"https://vault.azure.net\""),
                        SecretStoreException.AccessDenied.class, "access to secret 'db-password' in azure-keyvault denied (HTTP 401)"),
                Arguments.of(error(403, "Forbidden", "The user, group or application does not have secrets get permission."),
                        SecretStoreException.AccessDenied.class, "access to secret 'db-password' in azure-keyvault denied (HTTP 403)"),
                Arguments.of(error(400, "BadParameter", "Invalid request."),
                        SecretStoreException.Unavailable.class, "secret 'db-password' could not be read from azure-keyvault: "
                                + "the vault answered HTTP 400"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("answers")
    void errorsAreTypedAndNotRetried(ResponseDefinitionBuilder answer, Class<? extends SecretStoreException> type,
                                     String message) {
        vault.stubFor(getSecret(current("db-password")).willReturn(answer));

        SecretStoreException e = assertThrows(type, () -> store.resolve(ref("secret://db-password")));
        assertEquals(message, e.getMessage());
        assertEquals(1, requestsTo(current("db-password")));
        assertEquals(0, retries);
    }

    static Stream<Arguments> transientAnswers() {
        return Stream.of(
                Arguments.of(error(429, "Throttled", "Rate limit exceeded").withHeader("Retry-After", "2"), Duration.ofSeconds(2)),
                Arguments.of(error(503, "ServiceUnavailable", "try later").withHeader("retry-after-ms", "250"),
                        Duration.ofMillis(250)));
    }

    /** Throttled (Retry-After in seconds) or a server error (retry-after-ms), then found: one retry, after the wait asked. */
    @ParameterizedTest
    @MethodSource("transientAnswers")
    void aTransientAnswerThenFoundSucceedsAfterOneRetryWaitingWhatWasAsked(ResponseDefinitionBuilder first, Duration asked)
            throws Exception {
        vault.stubFor(getSecret(current("db-password")).inScenario("once").whenScenarioStateIs(STARTED)
                .willReturn(first).willSetStateTo("answered"));
        vault.stubFor(getSecret(current("db-password")).inScenario("once").whenScenarioStateIs("answered")
                .willReturn(json(200, secretJson("db-password", VERSION))));

        assertEquals(VALUE, store.resolve(ref("secret://db-password")));
        assertEquals(2, requestsTo(current("db-password")));
        assertWaited(current("db-password"), List.of(asked), List.of(asked));
        assertEquals(1, retries);
    }

    @Test
    void throttledForeverIsUnavailableAfterMaxRetriesWithExponentialBackoff() {
        vault.stubFor(getSecret(current("db-password")).willReturn(error(429, "Throttled", "Rate limit exceeded")));

        SecretStoreException e = assertThrows(SecretStoreException.Unavailable.class, () -> store.resolve(ref("secret://db-password")));
        assertEquals("secret 'db-password' could not be read from azure-keyvault: throttled (HTTP 429) after 4 attempts",
                e.getMessage());
        assertFalse(e.configurationError());
        assertEquals(4, requestsTo(current("db-password"))); // 1 + max-retries 3
        assertEquals(3, retries);
        // 100 ms doubled each retry, within the SDK's 5% jitter
        assertWaited(current("db-password"), List.of(Duration.ofMillis(95), Duration.ofMillis(190), Duration.ofMillis(380)),
                List.of(Duration.ofMillis(105), Duration.ofMillis(210), Duration.ofMillis(420)));
    }

    @Test
    void aRetryAfterLongerThanTheLongestAllowedWaitGivesUpAtOnce() {
        vault.stubFor(getSecret(current("db-password")).willReturn(error(429, "Throttled", "slow down").withHeader("Retry-After", "600")));

        SecretStoreException e = assertThrows(SecretStoreException.Unavailable.class, () -> store.resolve(ref("secret://db-password")));
        assertTrue(e.getMessage().contains("throttled (HTTP 429), asked to retry after 600000 ms (more than "
                + "cutover.secrets.azure.max-retry-delay 5000 ms)"), e.getMessage());
        assertEquals(1, requestsTo(current("db-password")));
        assertEquals(0, retries);
    }

    @Test
    void anUnreachableVaultIsRetriedThenUnavailable() {
        AzureKeyVaultSecretStore unreachable = store("http://127.0.0.1:1",
                new AzureKeyVaultSecretStore.Retries(1, Duration.ofMillis(10), Duration.ofSeconds(1)));

        SecretStoreException e = assertThrows(SecretStoreException.class, () -> unreachable.resolve(ref("secret://db-password")));
        assertInstanceOf(SecretStoreException.Unavailable.class, e);
        assertTrue(e.getMessage().startsWith("secret 'db-password' could not be read from azure-keyvault: no answer ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("after 2 attempts"), e.getMessage());
        assertEquals(1, retries);
    }

    @Test
    void theProductionClientBuildsWithDefaultAzureCredential() {
        // building must not need a credential to be present yet: it is only asked for a token on first use
        assertEquals("https://cutover-test.vault.azure.net",
                KeyVaultClientFactory.create("https://cutover-test.vault.azure.net", RETRIES).getVaultUrl());
    }
}
