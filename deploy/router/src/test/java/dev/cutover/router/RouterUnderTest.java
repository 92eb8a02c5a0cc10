package dev.cutover.router;

import dev.cutover.sampleapp.SampleApp;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A router of target {@value #TARGET} on free ports for each test, and the sample apps the test starts to put behind
 * it; all are closed after the test. A test registers it as
 * {@code @RegisterExtension final RouterUnderTest router = new RouterUnderTest();}.
 */
final class RouterUnderTest implements BeforeEachCallback, AfterEachCallback {

    static final String TARGET = "shop/test";

    private final List<SampleApp> apps = new ArrayList<>();
    private Router router;

    @Override
    public void beforeEach(ExtensionContext context) {
        router = Router.start(TARGET, 0, 0);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        router.close();
        apps.forEach(SampleApp::close);
    }

    /** {@code path} on the traffic port. */
    URI traffic(String path) {
        return URI.create("http://127.0.0.1:" + router.port() + path);
    }

    /** The admin API's base URL. */
    String adminUrl() {
        return "http://127.0.0.1:" + router.adminPort();
    }

    /** {@code path} on the admin port. */
    URI admin(String path) {
        return URI.create(adminUrl() + path);
    }

    /**
     * Starts a sample app on a free port that answers {@code version=<version>}, with more of its settings as
     * name, value pairs (e.g. {@code "SAMPLE_ERROR_RATE", "1.0"}); it is closed after the test.
     */
    SampleApp app(String version, String... settings) throws IOException {
        Map<String, String> config = new HashMap<>(Map.of("PORT", "0", "CUTOVER_VERSION", version));
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        SampleApp app = SampleApp.start(config);
        apps.add(app);
        return app;
    }
}
