package dev.stitch.bridge;

/** Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * @throws Refusal {@code invalid_utf8} naming the offset of the first bad byte; {@code malformed_json}
     *     for a NUL byte, which JSON text never holds (and which would make the parser guess UTF-16)
     */
    static void requireValid(byte[] body) {
        int bad = firstInvalid(body);
        if (bad >= 0) {
            throw Refusal.badRequest("invalid_utf8", null, "the body is not valid UTF-8 at byte " + bad
                    + "; send JSON encoded as UTF-8");
        }
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                throw Refusal.badRequest("malformed_json", null, "the body holds a NUL byte at byte " + i
                        + "; JSON text cannot (is it UTF-16?); send JSON encoded as UTF-8");
            }
        }
    }

    /** The offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
    static int firstInvalid(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int continuations;
            int low = 0x80;
            int high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                continuations = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                continuations = 2;
                if (b == 0xE0) {
                    low = 0xA0;
                } else if (b == 0xED) {
                    high = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                continuations = 3;
                if (b == 0xF0) {
                    low = 0x90;
                } else if (b == 0xF4) {
                    high = 0x8F;
                }
            } else {
                return i;
            }
            if (i + continuations >= n) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k <= continuations; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += continuations + 1;
        }
        return -1;
    }
}
