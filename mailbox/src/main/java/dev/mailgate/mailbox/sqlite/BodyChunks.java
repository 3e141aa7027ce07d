package dev.mailgate.mailbox.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import reactor.core.publisher.Flux;

/** Message bytes as chunks of at most {@link BodyFiles#CHUNK} bytes. */
final class BodyChunks {
  private BodyChunks() {}

  /** An in-memory (inline, bounded) body. */
  static Flux<ByteBuffer> of(byte[] b) {
    if (b.length == 0) {
      return Flux.empty();
    }
    return Flux.range(0, (b.length + BodyFiles.CHUNK - 1) / BodyFiles.CHUNK)
        .map(i -> ByteBuffer.wrap(b, i * BodyFiles.CHUNK,
            Math.min(BodyFiles.CHUNK, b.length - i * BodyFiles.CHUNK)).slice());
  }

  /** A file, read lazily chunk by chunk as requested (blocking: subscribe on an I/O scheduler). */
  static Flux<ByteBuffer> fromFile(Path file) {
    return Flux.using(
        () -> Files.newInputStream(file),
        in -> Flux.<ByteBuffer>generate(sink -> {
          try {
            byte[] b = in.readNBytes(BodyFiles.CHUNK);
            if (b.length == 0) {
              sink.complete();
            } else {
              sink.next(ByteBuffer.wrap(b));
            }
          } catch (IOException e) {
            sink.error(e);
          }
        }),
        BodyChunks::closeQuietly);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // read only: nothing was lost
    }
  }
}
