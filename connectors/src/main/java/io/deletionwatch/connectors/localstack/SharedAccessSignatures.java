package io.deletionwatch.connectors.localstack;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks Service Bus shared access signatures, {@code SharedAccessSignature
 * sr=<url-encoded resource>&sig=<url-encoded base64 HMAC-SHA256>&se=<expiry, epoch s>&skn=<key
 * name>}, the token the Event Hubs SDK puts on {@code $cbs} for a connection string. The string
 * signed is {@code <url-encoded resource> + "\n" + <expiry>} with the UTF-8 bytes of the key (the
 * base64 text as is, not decoded), as azure-messaging-eventhubs 5.21's {@code
 * EventHubSharedKeyCredential} does and Azure's "Shared Access Signature authentication with
 * Service Bus" documentation describes.
 *
 * <p>Nothing here puts a key, a signature or a token into a message.
 */
final class SharedAccessSignatures {
    static final String PREFIX = "SharedAccessSignature ";

    private final String keyName;
    private final byte[] key;

    SharedAccessSignatures(String keyName, String key) {
        this.keyName = keyName;
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** Why a token was refused; the text is safe to send back to the client. */
    record Refusal(String description) {}

    /**
     * A token for {@code resource}, valid until {@code expiry}, signed with this namespace's key:
     * for tests that need a token the SDK would make.
     */
    String sign(String resource, Instant expiry) {
        String encodedResource = encode(resource);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = Base64.getEncoder().encodeToString(hmac(encodedResource + "\n" + se));
        return PREFIX
                + "sr="
                + encodedResource
                + "&sig="
                + encode(sig)
                + "&se="
                + se
                + "&skn="
                + encode(keyName);
    }

    /**
     * Checks a token for the resource {@code audience} (e.g. {@code
     * amqp://127.0.0.1/hub/ConsumerGroups/$Default/Partitions/0}): signed with this namespace's key
     * under its name, not expired, and scoped to the audience or a parent of it (a token for {@code
     * amqp://host/hub} covers the hub's partitions, as on Event Hubs).
     *
     * @return empty when the token is good, else why not
     */
    Optional<Refusal> check(String token, String audience, Instant now) {
        if (token == null || !token.startsWith(PREFIX)) {
            return refused("InvalidToken: not a shared access signature.");
        }
        Map<String, String> raw = new HashMap<>();
        for (String pair : token.substring(PREFIX.length()).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                return refused("InvalidToken: malformed shared access signature.");
            }
            raw.put(pair.substring(0, eq).toLowerCase(Locale.ROOT), pair.substring(eq + 1));
        }
        String sr = raw.get("sr");
        String sig = raw.get("sig");
        String se = raw.get("se");
        String skn = raw.get("skn");
        if (sr == null || sig == null || se == null || skn == null) {
            return refused("InvalidToken: the shared access signature lacks sr, sig, se or skn.");
        }
        if (!keyName.equals(decode(skn))) {
            return refused("InvalidSignature: The token has an invalid signature.");
        }
        byte[] expected = hmac(sr + "\n" + se);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(decode(sig));
        } catch (IllegalArgumentException e) {
            return refused("InvalidSignature: The token has an invalid signature.");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return refused("InvalidSignature: The token has an invalid signature.");
        }
        long expiry;
        try {
            expiry = Long.parseLong(se);
        } catch (NumberFormatException e) {
            return refused("InvalidToken: the expiry is not a number.");
        }
        if (expiry <= now.getEpochSecond()) {
            return refused("ExpiredToken: The token is expired.");
        }
        if (!covers(decode(sr), audience)) {
            return refused("InvalidAudience: The token audience does not match the resource.");
        }
        return Optional.empty();
    }

    /** Whether a token for {@code scope} grants {@code audience}: the same or a parent path. */
    static boolean covers(String scope, String audience) {
        String s = trimSlash(scope).toLowerCase(Locale.ROOT);
        String a = trimSlash(audience).toLowerCase(Locale.ROOT);
        return a.equals(s) || a.startsWith(s + "/");
    }

    private static String trimSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static Optional<Refusal> refused(String description) {
        return Optional.of(new Refusal(description));
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
