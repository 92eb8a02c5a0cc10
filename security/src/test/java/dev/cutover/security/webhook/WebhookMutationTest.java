package dev.cutover.security.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated events (body bytes, id, timestamp, key, header-name casing, signature version/prefix/casing, truncated
 * and extra signatures, replays): none is accepted; every valid event is accepted exactly once, also when its
 * mutations were tried before it (a forgery never burns an id).
 */
class WebhookMutationTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);
    private static final int EVENTS = 60;

    /** One event as it would arrive: header name → value (exact names, as on Kafka) and body. */
    record Event(String what, Map<String, String> headers, byte[] body) {
        Function<String, String> lookup() {
            return headers::get;
        }
    }

    @Test
    void standardWebhooksMutationsAreAllRefusedAndValidEventsAcceptedOnce() {
        Random random = new Random(9);
        WebhookKey key = WebhookKey.parse(WebhookKey.generate());
        WebhookKey otherKey = WebhookKey.parse(WebhookKey.generate());
        StandardWebhooks verifier = new StandardWebhooks(new ReplayGuard(), Clock.fixed(NOW, ZoneOffset.UTC),
                StandardWebhooks.TOLERANCE);
        int mutated = 0;
        int valid = 0;
        Map<RefusalReason, Integer> reasons = new EnumMap<>(RefusalReason.class);
        for (int n = 0; n < EVENTS; n++) {
            byte[] body = ("{\"application\":\"shop\",\"environment\":\"staging\",\"version\":\"1.0." + n
                    + "\",\"artifact\":\"file:///opt/releases/shop-" + n + ".jar\"}").getBytes(StandardCharsets.UTF_8);
            Instant sent = NOW.minusSeconds(random.nextInt(290));
            String id = StandardWebhooks.newId();
            Event good = new Event("valid", StandardWebhooks.sign(key, id, sent, body), body);
            List<Event> mutations = mutations(good, key, otherKey, random);
            for (Event m : mutations) {
                Verification v = verifier.verify(m.lookup(), m.body(), key, "ci");
                assertTrue(v instanceof Verification.Refused, () -> "accepted a mutation: " + m.what());
                reasons.merge(((Verification.Refused) v).reason(), 1, Integer::sum);
            }
            mutated += mutations.size();
            assertTrue(verifier.verify(good.lookup(), good.body(), key, "ci").accepted(), "valid event refused");
            valid++;
            // replays: the same event, and the same id with another body signed with the key
            assertEquals(RefusalReason.REPLAYED, WebhookSignaturesTest.reason(
                    verifier.verify(good.lookup(), good.body(), key, "ci")));
            byte[] other = Arrays.copyOf(body, body.length + 1);
            other[body.length] = ' ';
            Map<String, String> sameId = StandardWebhooks.sign(key, id, sent, other);
            assertEquals(RefusalReason.REPLAYED, WebhookSignaturesTest.reason(
                    verifier.verify(sameId::get, other, key, "ci")));
            mutated += 2;
            reasons.merge(RefusalReason.REPLAYED, 2, Integer::sum);
            // and once the window is over, a replay is stale
            StandardWebhooks later = new StandardWebhooks(new ReplayGuard(),
                    Clock.fixed(sent.plus(StandardWebhooks.TOLERANCE).plusSeconds(1), ZoneOffset.UTC),
                    StandardWebhooks.TOLERANCE);
            assertEquals(RefusalReason.STALE, WebhookSignaturesTest.reason(
                    later.verify(good.lookup(), good.body(), key, "ci")));
            mutated++;
        }
        assertTrue(mutated >= 1000, "only " + mutated + " mutations");
        assertEquals(EVENTS, valid);
        System.out.printf("%d mutated Standard Webhooks events refused, %d valid accepted once: %s%n", mutated, valid,
                reasons);
        for (RefusalReason r : List.of(RefusalReason.UNSIGNED, RefusalReason.MALFORMED, RefusalReason.BAD_SIGNATURE,
                RefusalReason.STALE, RefusalReason.REPLAYED)) {
            assertTrue(reasons.getOrDefault(r, 0) > 0, "no mutation refused as " + r + ": " + reasons);
        }
    }

    @Test
    void gitHubMutationsAreAllRefusedAndValidDeliveriesAcceptedOnce() {
        Random random = new Random(11);
        WebhookKey key = WebhookKey.parse("github-webhook-secret-" + random.nextLong());
        WebhookKey otherKey = WebhookKey.parse("github-webhook-secret-other");
        GitHubSignature verifier = new GitHubSignature(new ReplayGuard(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofMinutes(5));
        int mutated = 0;
        for (int n = 0; n < 40; n++) {
            byte[] body = ("{\"application\":\"shop\",\"version\":\"2.0." + n + "\"}").getBytes(StandardCharsets.UTF_8);
            String good = GitHubSignature.sign(key, body);
            List<String[]> cases = new ArrayList<>(); // {header, body-mutation}
            cases.add(new String[] {null, ""});
            cases.add(new String[] {GitHubSignature.sign(otherKey, body), ""});
            cases.add(new String[] {good.toUpperCase(Locale.ROOT), ""});
            cases.add(new String[] {"SHA256=" + good.substring(7), ""});
            cases.add(new String[] {"sha1=" + good.substring(7), ""});
            cases.add(new String[] {good.substring(7), ""});
            cases.add(new String[] {good.substring(0, good.length() - 1), ""});
            cases.add(new String[] {good + "0", ""});
            cases.add(new String[] {good + " " + good, ""});
            cases.add(new String[] {" " + good, ""});
            cases.add(new String[] {flipHex(good, random), ""});
            cases.add(new String[] {good, "flip"});
            cases.add(new String[] {good, "append"});
            cases.add(new String[] {good, "truncate"});
            for (String[] c : cases) {
                byte[] b = switch (c[1]) {
                    case "flip" -> flip(body, random);
                    case "append" -> append(body, (byte) '\n');
                    case "truncate" -> Arrays.copyOf(body, body.length - 1);
                    default -> body;
                };
                assertTrue(!verifier.verify(c[0], b, key, "gh").accepted(), () -> "accepted " + c[0] + " " + c[1]);
                mutated++;
            }
            assertTrue(verifier.verify(good, body, key, "gh").accepted());
            assertEquals(RefusalReason.REPLAYED, WebhookSignaturesTest.reason(verifier.verify(good, body, key, "gh")));
            mutated++;
        }
        assertTrue(mutated >= 500, "only " + mutated);
        System.out.printf("%d mutated GitHub deliveries refused%n", mutated);
    }

    static List<Event> mutations(Event good, WebhookKey key, WebhookKey otherKey, Random random) {
        String id = good.headers().get(StandardWebhooks.ID);
        String ts = good.headers().get(StandardWebhooks.TIMESTAMP);
        String sig = good.headers().get(StandardWebhooks.SIGNATURE);
        byte[] body = good.body();
        String b64 = sig.substring(3);
        List<Event> out = new ArrayList<>();
        // body bytes
        for (int i = 0; i < 4; i++) {
            out.add(new Event("body byte flipped", good.headers(), flip(body, random)));
        }
        out.add(new Event("body appended", good.headers(), append(body, (byte) ' ')));
        out.add(new Event("body truncated", good.headers(), Arrays.copyOf(body, body.length - 1)));
        out.add(new Event("body empty", good.headers(), new byte[0]));
        out.add(new Event("body upper-cased", good.headers(),
                new String(body, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        // id
        out.add(with(good, StandardWebhooks.ID, id + "x"));
        out.add(with(good, StandardWebhooks.ID, id.substring(1)));
        out.add(with(good, StandardWebhooks.ID, id.toUpperCase(Locale.ROOT)));
        out.add(with(good, StandardWebhooks.ID, ""));
        out.add(with(good, StandardWebhooks.ID, id + "\n"));
        out.add(with(good, StandardWebhooks.ID, "x".repeat(300)));
        // timestamp
        out.add(with(good, StandardWebhooks.TIMESTAMP, Long.toString(Long.parseLong(ts) + 1)));
        out.add(with(good, StandardWebhooks.TIMESTAMP, Long.toString(Long.parseLong(ts) - 1)));
        out.add(with(good, StandardWebhooks.TIMESTAMP, "0" + ts));
        out.add(with(good, StandardWebhooks.TIMESTAMP, "+" + ts));
        out.add(with(good, StandardWebhooks.TIMESTAMP, ts + ".0"));
        out.add(with(good, StandardWebhooks.TIMESTAMP, Long.toString(NOW.getEpochSecond())));
        out.add(with(good, StandardWebhooks.TIMESTAMP, NOW.toString()));
        // stale / future, signed with the right key
        out.add(new Event("stale", StandardWebhooks.sign(key, id, NOW.minusSeconds(301 + random.nextInt(5000)), body),
                body));
        out.add(new Event("future", StandardWebhooks.sign(key, id, NOW.plusSeconds(301 + random.nextInt(5000)), body),
                body));
        // key
        out.add(new Event("other key", StandardWebhooks.sign(otherKey, id, Instant.ofEpochSecond(Long.parseLong(ts)),
                body), body));
        out.add(withSig(good, StandardWebhooks.signature(WebhookKey.parse("whsec-" + key.hashCode()), id, ts, body)));
        // header-name casing (Kafka header names are exact)
        for (String name : List.of(StandardWebhooks.ID, StandardWebhooks.TIMESTAMP, StandardWebhooks.SIGNATURE)) {
            out.add(renamed(good, name, capitalise(name)));
            out.add(renamed(good, name, name.toUpperCase(Locale.ROOT)));
            out.add(renamed(good, name, name.replace('-', '_')));
            out.add(without(good, name));
        }
        Map<String, String> allUpper = new LinkedHashMap<>();
        good.headers().forEach((k, v) -> allUpper.put(k.toUpperCase(Locale.ROOT), v));
        out.add(new Event("all names upper-cased", allUpper, body));
        out.add(new Event("unsigned", Map.of(), body));
        // signature version / prefix / value casing
        for (String prefix : List.of("v2,", "V1,", "v1;", "v1", "v1a,", "", ",", "v1,,", "v0,", "v1 ")) {
            out.add(withSig(good, prefix + b64));
        }
        out.add(withSig(good, "v1," + swapCase(b64)));
        out.add(withSig(good, "v1," + flipChar(b64, random)));
        out.add(withSig(good, "v1," + b64.replace("=", "")));
        out.add(withSig(good, "v1," + b64.substring(0, b64.length() - 2) + "A="));
        out.add(withSig(good, "v1," + java.util.Base64.getUrlEncoder().encodeToString(
                java.util.Base64.getDecoder().decode(b64))));
        // truncated / extra
        out.add(withSig(good, sig.substring(0, sig.length() - 1)));
        out.add(withSig(good, sig.substring(0, sig.length() / 2)));
        out.add(withSig(good, sig + "A"));
        out.add(withSig(good, sig + "=="));
        out.add(withSig(good, "v1," + b64 + b64));
        out.add(withSig(good, "v1,"));
        out.add(withSig(good, ""));
        out.add(withSig(good, "v1,AAAA v1,BBBB"));
        out.add(withSig(good, sig.replace(",", ", ")));
        out.add(withSig(good, sig + "\t"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < StandardWebhooks.MAX_SIGNATURES; i++) {
            many.append("v1,").append(flipChar(b64, random)).append(' ');
        }
        out.add(withSig(good, many + sig)); // the valid one after the most signatures read
        // a "mutation" that happens to spell the event unchanged (e.g. URL-safe base64 without - or _) is none
        out.removeIf(m -> m.headers().equals(good.headers()) && Arrays.equals(m.body(), good.body()));
        return out;
    }

    private static Event with(Event e, String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(e.headers());
        h.put(name, value);
        return new Event(name + "=" + value, h, e.body());
    }

    private static Event withSig(Event e, String value) {
        return with(e, StandardWebhooks.SIGNATURE, value);
    }

    private static Event renamed(Event e, String name, String newName) {
        Map<String, String> h = new LinkedHashMap<>(e.headers());
        h.put(newName, h.remove(name));
        return new Event(name + " renamed " + newName, h, e.body());
    }

    private static Event without(Event e, String name) {
        Map<String, String> h = new LinkedHashMap<>(e.headers());
        h.remove(name);
        return new Event("without " + name, h, e.body());
    }

    private static String capitalise(String name) {
        StringBuilder s = new StringBuilder();
        for (String part : name.split("-")) {
            s.append(s.isEmpty() ? "" : "-").append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }

    private static String swapCase(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }

    private static String flipChar(String s, Random random) {
        char[] chars = s.toCharArray();
        int i = random.nextInt(chars.length - 1); // not the padding
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    private static String flipHex(String s, Random random) {
        char[] chars = s.toCharArray();
        int i = 7 + random.nextInt(chars.length - 7);
        chars[i] = chars[i] == '0' ? '1' : '0';
        return new String(chars);
    }

    static byte[] flip(byte[] body, Random random) {
        byte[] copy = body.clone();
        int i = random.nextInt(copy.length);
        copy[i] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }

    private static byte[] append(byte[] body, byte b) {
        byte[] copy = Arrays.copyOf(body, body.length + 1);
        copy[body.length] = b;
        return copy;
    }
}
