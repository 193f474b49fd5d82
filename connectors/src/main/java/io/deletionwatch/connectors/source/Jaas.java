package io.deletionwatch.connectors.source;

/**
 * Builds the values of Kafka's {@code sasl.jaas.config} property.
 *
 * <p>Kafka parses the line with a {@link java.io.StreamTokenizer}: inside double quotes a backslash
 * escapes the next character, and a line break ends the string. A connection string contains {@code
 * ;} and {@code =}, so it must be quoted; a backslash or quote in it must be escaped.
 */
public final class Jaas {
    private static final String PLAIN_LOGIN_MODULE =
            "org.apache.kafka.common.security.plain.PlainLoginModule";

    private Jaas() {}

    /**
     * The client side of SASL/PLAIN, e.g. {@code ...PlainLoginModule required
     * username="$ConnectionString" password="...";}.
     */
    public static String plainLogin(String username, String password) {
        return PLAIN_LOGIN_MODULE
                + " required username="
                + quoted(username)
                + " password="
                + quoted(password)
                + ";";
    }

    /**
     * Wraps a value in double quotes, escaping backslashes and quotes.
     *
     * @throws IllegalArgumentException when the value holds a line break or another control
     *     character, which a quoted JAAS value cannot carry; the value is not echoed
     */
    public static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "a JAAS value cannot hold control characters (found one at position "
                                + i
                                + ")");
            }
            if (c == '\\' || c == '"') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }
}
