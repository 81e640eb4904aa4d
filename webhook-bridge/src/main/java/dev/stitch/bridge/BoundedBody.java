package dev.stitch.bridge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body without ever holding more than the limit: the bytes as received, then, for
 * {@code Content-Encoding: gzip}, the decompressed bytes, both held to the same limit. Nothing is
 * reserved from what {@code Content-Length} declares: memory is taken as bytes arrive, each chunk from
 * the allowance of bytes in flight that all requests share. A body over the limit is read to its end
 * and dropped, so the client gets the 413 rather than a broken connection; a body past
 * {@link #DRAIN_LIMIT} is not read any further and its connection is closed after the answer.
 */
final class BoundedBody {

    /**
     * How much of a body over the limit is still read (and dropped) so that the client, still sending,
     * sees the answer rather than a closed connection.
     */
    static final int DRAIN_LIMIT = 16 * 1024 * 1024;

    private static final int INFLATE_CHUNK = 8 * 1024;

    private BoundedBody() {
    }

    /**
     * @param tooLarge the refusal for a body over the limit, naming the limit
     * @param holding  where the bytes kept are taken from; when it has too few left, the read fails with {@code busy}
     * @param busy     the refusal when the bytes in flight of all requests are at their bound
     * @return the body's bytes as received (still compressed when they are), or a failed future with a {@link Refusal}
     */
    static Future<byte[]> read(HttpServerRequest request, int limit, Supplier<Refusal> tooLarge, Allowance.Holding holding,
                               Supplier<Refusal> busy) {
        long declared = declaredLength(request);
        if (declared > DRAIN_LIMIT) {
            return Future.failedFuture(tooLarge.get().closingConnection());
        }
        if (request.isEnded()) {
            return Future.succeededFuture(new byte[0]);
        }
        Promise<byte[]> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        long[] received = {0};
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (promise.future().isComplete()) {
                // Refused already: the rest is drained, not held.
                if (received[0] > DRAIN_LIMIT) {
                    request.connection().close();
                }
            } else if (received[0] <= limit) {
                if (holding.tryTake(chunk.length())) {
                    body.appendBuffer(chunk);
                } else {
                    promise.tryFail(busy.get());
                }
            } else if (received[0] > DRAIN_LIMIT) {
                promise.tryFail(tooLarge.get().closingConnection());
            }
        });
        request.endHandler(ended -> {
            if (received[0] > limit) {
                promise.tryFail(tooLarge.get());
            } else {
                promise.tryComplete(body.getBytes());
            }
        });
        request.exceptionHandler(promise::tryFail);
        return promise.future();
    }

    /**
     * Reads a body to its end and drops it, holding none of it, so that a request refused before its
     * body was needed is answered on a connection that can carry the next one; a body past
     * {@link #DRAIN_LIMIT} fails the future, and the caller closes the connection.
     */
    static Future<Void> discard(HttpServerRequest request) {
        if (declaredLength(request) > DRAIN_LIMIT) {
            return Future.failedFuture("past the drain limit");
        }
        if (request.isEnded()) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        long[] received = {0};
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (received[0] > DRAIN_LIMIT) {
                promise.tryFail("past the drain limit");
            }
        });
        request.endHandler(ended -> promise.tryComplete());
        request.exceptionHandler(promise::tryFail);
        return promise.future();
    }

    /**
     * The body as the client meant it: decompressed when its {@code Content-Encoding} is gzip, held to
     * {@code limit} bytes after decompression, so a small compressed body cannot expand past it.
     */
    static byte[] decode(byte[] received, String contentEncoding, int limit, Supplier<Refusal> tooLarge) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "", "identity" -> received;
            case "gzip", "x-gzip" -> gunzip(received, limit, tooLarge);
            default -> throw Refusal.unsupportedEncoding(contentEncoding);
        };
    }

    private static byte[] gunzip(byte[] compressed, int limit, Supplier<Refusal> tooLarge) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, Math.max(1024, compressed.length * 4)));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), INFLATE_CHUNK)) {
            byte[] chunk = new byte[INFLATE_CHUNK];
            int read;
            while ((read = in.read(chunk)) != -1) {
                if (out.size() + read > limit) {
                    throw tooLarge.get();
                }
                out.write(chunk, 0, read);
            }
        } catch (IOException e) {
            throw Refusal.badRequest("malformed_gzip", null,
                    "the body says Content-Encoding: gzip but is not valid gzip data (" + e.getMessage() + ")");
        }
        return out.toByteArray();
    }

    private static long declaredLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
