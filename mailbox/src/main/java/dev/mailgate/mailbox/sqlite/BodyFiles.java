package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Message bodies as immutable files: {@code bodies/<2 hex>/<32 hex>}. A body is written to {@code
 * tmp/}, fsynced, renamed into place and the directory fsynced, so after a crash a body file is
 * either complete or absent (RFC-free, POSIX rename semantics). Temp files and bodies no index row
 * references are removed at start ({@link #recover}).
 */
final class BodyFiles {
  private static final Logger log = LoggerFactory.getLogger(BodyFiles.class);
  static final int CHUNK = 64 * 1024;

  private final Path bodies;
  private final Path tmp;
  private final SecureRandom random = new SecureRandom();

  BodyFiles(Path dataDir) throws IOException {
    this.bodies = dataDir.resolve("bodies");
    this.tmp = dataDir.resolve("tmp");
    Files.createDirectories(tmp);
    Files.createDirectories(bodies);
    for (int i = 0; i < 256; i++) {
      Files.createDirectories(bodies.resolve(String.format("%02x", i)));
    }
    fsyncDir(bodies);
    fsyncDir(dataDir);
  }

  /** A body being written. */
  final class TempBody implements AutoCloseable {
    final Path path;
    private final FileChannel ch;
    private final long max;
    long size;

    TempBody(long max) throws IOException {
      byte[] id = new byte[12];
      random.nextBytes(id);
      this.path = tmp.resolve(HexFormat.of().formatHex(id) + ".tmp");
      this.ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      this.max = max;
    }

    void write(ByteBuffer buf) throws IOException {
      size += buf.remaining();
      if (size > max) {
        throw new MailStoreException(MailStoreException.Reason.TOO_BIG, "message larger than " + max);
      }
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }

    /** Fsyncs and closes the file; the body is then readable at {@link #path}. */
    void sync() throws IOException {
      ch.force(true);
      ch.close();
    }

    /** Closes the file without fsync and returns its bytes (a small body stored inline). */
    byte[] readAllUnsynced() throws IOException {
      ch.close();
      return Files.readAllBytes(path);
    }

    /** Renames the synced file into place under a fresh id and fsyncs the directory. */
    String publish() throws IOException {
      byte[] raw = new byte[16];
      random.nextBytes(raw);
      String id = HexFormat.of().formatHex(raw);
      Path target = path(id);
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(target.getParent());
      return id;
    }

    @Override
    public void close() {
      try {
        ch.close();
        Files.deleteIfExists(path);
      } catch (IOException e) {
        log.warn("could not remove temp body {}", path, e);
      }
    }
  }

  TempBody create(long max) throws IOException {
    return new TempBody(max);
  }

  Path path(String bodyId) {
    return bodies.resolve(bodyId.substring(0, 2)).resolve(bodyId);
  }

  /** Streams a byte range of a body in chunks; run on a blocking-capable scheduler. */
  Flux<ByteBuffer> read(String bodyId, ByteRange range) {
    return Flux.using(
        () -> FileChannel.open(path(bodyId), StandardOpenOption.READ),
        ch -> {
          long end;
          try {
            end = Math.min(ch.size(), range.offset() + Math.min(range.length(), Long.MAX_VALUE - range.offset()));
          } catch (IOException e) {
            return Flux.error(e);
          }
          long[] pos = {range.offset()};
          return Flux.<ByteBuffer>generate(
              sink -> {
                if (pos[0] >= end) {
                  sink.complete();
                  return;
                }
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, end - pos[0]));
                try {
                  while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos[0] + buf.position());
                    if (n < 0) {
                      break;
                    }
                  }
                } catch (IOException e) {
                  sink.error(e);
                  return;
                }
                pos[0] += buf.position();
                buf.flip();
                sink.next(buf);
              });
        },
        ch -> {
          try {
            ch.close();
          } catch (IOException ignored) {
            // read-only channel
          }
        });
  }

  void delete(String bodyId) {
    try {
      Files.deleteIfExists(path(bodyId));
    } catch (IOException e) {
      log.warn("could not delete body {}", bodyId, e);
    }
  }

  /**
   * Crash recovery: removes every temp file (an append that never committed) and every body no
   * index row references (an append that crashed between rename and commit, or an expunge that
   * crashed between commit and delete). Returns the number of files removed.
   */
  int recover(Set<String> referenced) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
        removed++;
      }
    }
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(bodies)) {
      for (Path shard : shards) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(shard)) {
          for (Path p : ds) {
            if (!referenced.contains(p.getFileName().toString())) {
              Files.deleteIfExists(p);
              removed++;
            }
          }
        }
      }
    }
    return removed;
  }

  static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(e);
    }
  }
}
