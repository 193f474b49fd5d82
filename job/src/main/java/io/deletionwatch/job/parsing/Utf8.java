package io.deletionwatch.job.parsing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates). Jackson checks
 * the strings it reads but not every string it skips, so {@link SelectiveTreeReader} reads only
 * payloads that pass this; anything else gets the whole read and its verdict.
 */
final class Utf8 {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            // Activity Log JSON is nearly all ASCII: eight bytes at a time until one is not
            if (i + 8 <= n && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min = 0x80;
            int max = 0xbf; // the allowed range of the second byte
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
            } else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                if (b == 0xe0) {
                    min = 0xa0;
                } else if (b == 0xed) {
                    max = 0x9f;
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                if (b == 0xf0) {
                    min = 0x90;
                } else if (b == 0xf4) {
                    max = 0x8f;
                }
            } else {
                return false;
            }
            if (i + length > n) {
                return false;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < min || second > max) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }
}
