package io.deletionwatch.job.findings;

/**
 * Whether a caller address is an IP literal that an Elasticsearch {@code ip} field accepts, decided
 * on the text alone (no DNS lookup, unlike {@link java.net.InetAddress#getByName}).
 *
 * <p>Accepted: dotted-quad IPv4 ({@code 203.0.113.7}) and IPv6 in its full, compressed and
 * IPv4-embedded forms ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}). Refused, so that they go to
 * {@code source.address} only: IPv4 octets with leading zeros (octal to some parsers), IPv6 with a
 * zone ({@code fe80::1%eth0}) or in brackets ({@code [2001:db8::1]}), addresses with a port, host
 * names and anything else. Refusing a doubtful literal costs only the {@code ip} field; accepting
 * one Elasticsearch refuses would cost the whole finding.
 */
final class IpAddresses {
    private IpAddresses() {}

    static boolean isLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text);
    }

    static boolean isIpv4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty()
                    || octet.length() > 3
                    || (octet.length() > 1 && octet.charAt(0) == '0')
                    || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String text) {
        int compression = text.indexOf("::");
        if (compression >= 0 && text.indexOf("::", compression + 1) >= 0) {
            return false;
        }
        String head = compression >= 0 ? text.substring(0, compression) : text;
        String tail = compression >= 0 ? text.substring(compression + 2) : "";
        int groups = 0;
        String[] headGroups = head.isEmpty() ? new String[0] : head.split(":", -1);
        String[] tailGroups = tail.isEmpty() ? new String[0] : tail.split(":", -1);
        for (int i = 0; i < headGroups.length; i++) {
            boolean embeddedIpv4 = compression < 0 && i == headGroups.length - 1;
            int counted = group(headGroups[i], embeddedIpv4);
            if (counted == 0) {
                return false;
            }
            groups += counted;
        }
        for (int i = 0; i < tailGroups.length; i++) {
            int counted = group(tailGroups[i], i == tailGroups.length - 1);
            if (counted == 0) {
                return false;
            }
            groups += counted;
        }
        // "::" stands for at least one group of zeros.
        return compression >= 0 ? groups <= 7 : groups == 8;
    }

    /** How many 16-bit groups this part stands for (2 for a final IPv4), or 0 when invalid. */
    private static int group(String part, boolean mayBeIpv4) {
        if (mayBeIpv4 && part.indexOf('.') >= 0) {
            return isIpv4(part) ? 2 : 0;
        }
        if (part.isEmpty() || part.length() > 4) {
            return 0;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                return 0;
            }
        }
        return 1;
    }
}
