package dev.stitch.bridge;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    @Test
    void acceptsEveryWellFormedSequence() {
        byte[] text = "ascii é € 𝄞 \uFEFF".getBytes(StandardCharsets.UTF_8);

        assertThat(Utf8.firstInvalid(text)).isEqualTo(-1);
    }

    @Test
    void findsAStrayContinuationByte() {
        assertThat(Utf8.firstInvalid(new byte[] {'a', (byte) 0x80})).isEqualTo(1);
    }

    @Test
    void findsAnOverlongEncoding() {
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xC0, (byte) 0xAF})).isZero();
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF})).isZero();
    }

    @Test
    void findsAnEncodedSurrogate() {
        assertThat(Utf8.firstInvalid(new byte[] {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo(1);
    }

    @Test
    void findsACodePointPastTheLastOne() {
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).isZero();
    }

    @Test
    void findsASequenceCutShortAtTheEnd() {
        assertThat(Utf8.firstInvalid(new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82})).isEqualTo(2);
    }
}
