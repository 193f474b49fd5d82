package io.deletionwatch.job.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void agreesWithTheJdksStrictDecoderOnEveryOneTwoAndThreeByteSequence() {
        // each behind 0 and 8 ASCII bytes (the latter through the 8-byte fast path); third bytes
        // only behind the lead bytes of 3- and 4-byte characters, and only once
        int[] pads = {0, 8};
        int checked = 0;
        for (int pad : pads) {
            for (int a = 0; a < 256; a++) {
                for (int b = -1; b < 256; b++) {
                    boolean third = b >= 0 && a >= 0xe0 && a <= 0xf4 && pad == 0;
                    for (int c = third ? 0 : -1; c < (third ? 256 : 0); c++) {
                        byte[] bytes = new byte[pad + 1 + (b >= 0 ? 1 : 0) + (c >= 0 ? 1 : 0)];
                        Arrays.fill(bytes, 0, pad, (byte) 'x');
                        bytes[pad] = (byte) a;
                        if (b >= 0) {
                            bytes[pad + 1] = (byte) b;
                        }
                        if (c >= 0) {
                            bytes[pad + 2] = (byte) c;
                        }
                        if (Utf8.isWellFormed(bytes) != jdk(bytes)) {
                            assertThat(Utf8.isWellFormed(bytes)).as(Arrays.toString(bytes)).isEqualTo(jdk(bytes));
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2 * (256 + 256 * 256) + 21 * 256 * 255);
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomTextWithFourByteCharacters() {
        Random random = new Random(11);
        String[] pieces = {"a", "é", "€", "😀", "\"x\":1,", " "};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(40); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.isWellFormed(bytes)).isTrue();
            if (bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                assertThat(Utf8.isWellFormed(bytes)).isEqualTo(jdk(bytes));
            }
        }
    }

    private static final CharsetDecoder STRICT =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    private static boolean jdk(byte[] bytes) {
        try {
            STRICT.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
