package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.store.MailStoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An append's bytes while they arrive, before the transaction that stores them: in the heap up to
 * {@code memoryBytes}, beyond that in a private temp file (mode 0600), so a large message is never
 * held whole in the heap and no database connection is held while a slow client sends. Not
 * thread-safe; blocking (use on the I/O scheduler). {@link #close} deletes the file.
 */
final class AppendSpool implements AutoCloseable {
  private final long maxBytes;
  private final int memoryBytes;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private OutputStream out;
  private long size;

  AppendSpool(long maxBytes, int memoryBytes) {
    this.maxBytes = maxBytes;
    this.memoryBytes = memoryBytes;
  }

  void write(ByteBuffer buf) throws IOException {
    int n = buf.remaining();
    if (size + n > maxBytes) {
      throw new MailStoreException(MailStoreException.Reason.TOO_BIG, "message larger than " + maxBytes);
    }
    size += n;
    byte[] b = new byte[n];
    buf.get(b);
    if (file == null && memory.size() + n <= memoryBytes) {
      memory.write(b, 0, n);
      return;
    }
    if (file == null) {
      file = Files.createTempFile("mailgate-append-", ".tmp");
      out = Files.newOutputStream(file);
      memory.writeTo(out);
      memory = null;
    }
    out.write(b);
  }

  long size() {
    return size;
  }

  /** Ends writing; afterwards {@link #open} reads the bytes from the start. */
  void finish() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  InputStream open() throws IOException {
    return file == null ? new ByteArrayInputStream(memory.toByteArray()) : Files.newInputStream(file);
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }
}
