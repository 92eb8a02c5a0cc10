package dev.cutover.security.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignaturesTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);

    private static StandardWebhooks verifier() {
        return new StandardWebhooks(new ReplayGuard(), Clock.fixed(NOW, ZoneOffset.UTC), StandardWebhooks.TOLERANCE);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void standardWebhooksReferenceVector() {
        // the example of the Standard Webhooks specification's reference libraries
        WebhookKey key = WebhookKey.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhooks.signature(key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", utf8("{\"test\": 2432232314}")));
    }

    @Test
    void gitHubDocumentationVector() {
        assertEquals("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                GitHubSignature.sign(WebhookKey.parse("It's a Secret to Everybody"), utf8("Hello, World!")));
    }

    @Test
    void aSignedEventIsAcceptedOnceAndItsIdIsScopedBySource() {
        WebhookKey key = WebhookKey.parse(WebhookKey.generate());
        byte[] body = utf8("{\"application\":\"shop\"}");
        Map<String, String> headers = StandardWebhooks.sign(key, "msg_1", NOW, body);
        StandardWebhooks verifier = verifier();
        Verification first = verifier.verify(headers::get, body, key, "ci-a");
        assertEquals("msg_1", assertInstanceOf(Verification.Accepted.class, first).id());
        assertEquals(RefusalReason.REPLAYED, reason(verifier.verify(headers::get, body, key, "ci-a")));
        assertTrue(verifier.verify(headers::get, body, key, "ci-b").accepted(), "another source's id space");
    }

    @Test
    void anyOfSeveralSignaturesMayMatchForKeyRotation() {
        WebhookKey oldKey = WebhookKey.parse(WebhookKey.generate());
        WebhookKey newKey = WebhookKey.parse(WebhookKey.generate());
        byte[] body = utf8("{}");
        String seconds = Long.toString(NOW.getEpochSecond());
        Map<String, String> headers = Map.of(StandardWebhooks.ID, "msg_r", StandardWebhooks.TIMESTAMP, seconds,
                StandardWebhooks.SIGNATURE, StandardWebhooks.signature(oldKey, "msg_r", seconds, body) + " "
                        + StandardWebhooks.signature(newKey, "msg_r", seconds, body));
        assertTrue(verifier().verify(headers::get, body, newKey, "ci").accepted());
    }

    @Test
    void keysAreParsedAndNeverPrinted() {
        String generated = WebhookKey.generate();
        assertTrue(generated.startsWith("whsec_"));
        WebhookKey key = WebhookKey.parse(generated);
        assertFalse(key.toString().contains(generated.substring(6, 12)));
        assertEquals(key, WebhookKey.parse(generated));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> WebhookKey.parse("whsec_not*base64!"));
        assertFalse(bad.getMessage().contains("not*base64"));
        assertThrows(IllegalArgumentException.class, () -> WebhookKey.parse(" "));
    }

    @Test
    void staleAndFutureTimestampsAreRefusedOnlyWhenAuthentic() {
        WebhookKey key = WebhookKey.parse(WebhookKey.generate());
        byte[] body = utf8("{}");
        StandardWebhooks verifier = verifier();
        for (long offset : new long[] {-301, 301, -86_400, 86_400}) {
            Map<String, String> h = StandardWebhooks.sign(key, "msg_" + offset, NOW.plusSeconds(offset), body);
            assertEquals(RefusalReason.STALE, reason(verifier.verify(h::get, body, key, "ci")));
        }
        for (long offset : new long[] {-300, 300}) {
            Map<String, String> h = StandardWebhooks.sign(key, "msg_ok" + offset, NOW.plusSeconds(offset), body);
            assertTrue(verifier.verify(h::get, body, key, "ci").accepted(), "within tolerance: " + offset);
        }
    }

    @Test
    void replayGuardIsBoundedAndForgetsExpiredIds() {
        ReplayGuard guard = new ReplayGuard(3);
        Instant expiry = NOW.plusSeconds(300);
        for (String id : new String[] {"a", "b", "c"}) {
            assertEquals(ReplayGuard.Outcome.FIRST, guard.admit(id, expiry, NOW));
        }
        assertEquals(ReplayGuard.Outcome.FULL, guard.admit("d", expiry, NOW));
        assertEquals(ReplayGuard.Outcome.REPLAYED, guard.admit("a", expiry, NOW));
        Instant later = NOW.plusSeconds(301);
        assertEquals(ReplayGuard.Outcome.FIRST, guard.admit("d", later.plusSeconds(300), later));
        assertEquals(1, guard.size());
    }

    @Test
    void aFullGuardRefusesAsOverloadedRatherThanUnguarded() {
        StandardWebhooks verifier = new StandardWebhooks(new ReplayGuard(1), Clock.fixed(NOW, ZoneOffset.UTC),
                StandardWebhooks.TOLERANCE);
        WebhookKey key = WebhookKey.parse(WebhookKey.generate());
        byte[] body = utf8("{}");
        Map<String, String> one = StandardWebhooks.sign(key, "msg_1", NOW, body);
        Map<String, String> two = StandardWebhooks.sign(key, "msg_2", NOW, body);
        assertTrue(verifier.verify(one::get, body, key, "ci").accepted());
        assertEquals(RefusalReason.OVERLOADED, reason(verifier.verify(two::get, body, key, "ci")));
    }

    @Test
    void refusalKindsAreDashedLowerCase() {
        assertEquals("bad-signature", RefusalReason.BAD_SIGNATURE.kind());
        assertEquals("unknown-source", RefusalReason.UNKNOWN_SOURCE.kind());
        Function<String, String> none = new HashMap<String, String>()::get;
        Verification.Refused unsigned = (Verification.Refused) verifier().verify(none, new byte[0],
                WebhookKey.parse("k"), "ci");
        assertEquals(RefusalReason.UNSIGNED, unsigned.reason());
        assertTrue(unsigned.describe().startsWith("unsigned: "));
    }

    static RefusalReason reason(Verification v) {
        return assertInstanceOf(Verification.Refused.class, v, "accepted").reason();
    }
}
