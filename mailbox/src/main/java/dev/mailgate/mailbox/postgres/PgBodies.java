package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Message bodies in PostgreSQL: a {@code bodies} row per body and its bytes as {@link #CHUNK}-byte
 * {@code bytea} rows in {@code body_chunks} (the last one shorter). Chunk rows rather than one
 * {@code bytea} per message because a {@code bytea} parameter or result is materialised whole in
 * the JDBC driver; rather than large objects because those need explicit unlinking (an expunge
 * would leave orphans unless every path unlinks them) and are not removed by DELETE or
 * foreign-key cascades. With chunks, writing reads the spool {@link #CHUNK} bytes at a time and a
 * range read fetches only the chunks it covers.
 */
final class PgBodies {
  /** Bytes per chunk row; also the size of the buffers {@code content} emits (64 KiB). */
  static final int CHUNK = 64 * 1024;
  /** Chunk rows sent per batch: bounds the heap used by a batch to 8 chunks. */
  private static final int BATCH = 8;

  private PgBodies() {}

  /** Inserts a body read from {@code in} ({@code size} bytes); returns its id. */
  static long insert(Connection c, InputStream in, long size) throws SQLException, IOException {
    long id = Jdbc.queryLong(c, "INSERT INTO bodies(size) VALUES (?) RETURNING id", size);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO body_chunks(body_id, seq, data) VALUES (?, ?, ?)")) {
      int seq = 0;
      int batched = 0;
      while (true) {
        byte[] b = in.readNBytes(CHUNK);
        if (b.length == 0) {
          break;
        }
        ps.setLong(1, id);
        ps.setInt(2, seq++);
        ps.setBytes(3, b);
        ps.addBatch();
        if (++batched == BATCH) {
          ps.executeBatch();
          batched = 0;
        }
      }
      if (batched > 0) {
        ps.executeBatch();
      }
    }
    return id;
  }

  /** Deletes a body no message references any more (its chunks cascade). */
  static void deleteIfUnreferenced(Connection c, long id) throws SQLException {
    Jdbc.update(c, "DELETE FROM bodies b WHERE id = ?"
        + " AND NOT EXISTS (SELECT 1 FROM messages WHERE body_id = b.id)", id);
  }

  /** Where a range falls: the body and its chunk span, clipped to the body's size. */
  record Span(long bodyId, long start, long end) {
    int firstChunk() {
      return (int) (start / CHUNK);
    }

    int chunks() {
      return end <= start ? 0 : (int) ((end - 1) / CHUNK) - firstChunk() + 1;
    }

    /** The byte offset inside chunk {@code seq} and the length to take from it. */
    long offsetIn(int seq) {
      return Math.max(start - (long) seq * CHUNK, 0);
    }

    long lengthIn(int seq) {
      long chunkStart = (long) seq * CHUNK;
      return Math.min(end, chunkStart + CHUNK) - Math.max(start, chunkStart);
    }
  }

  static Span span(Connection c, long mailbox, long uid, ByteRange range) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT body_id, size FROM messages WHERE mailbox_id = ? AND uid = ?")) {
      ps.setLong(1, mailbox);
      ps.setLong(2, uid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_MESSAGE, "no message " + uid);
        }
        long size = rs.getLong(2);
        long start = Math.min(range.offset(), size);
        long end = start + Math.min(range.length(), size - start);
        return new Span(rs.getLong(1), start, end);
      }
    }
  }

  /** The part of chunk {@code seq} that the span covers. */
  static byte[] read(Connection c, Span span, int seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT substring(data FROM ? FOR ?) FROM body_chunks WHERE body_id = ? AND seq = ?")) {
      ps.setInt(1, (int) span.offsetIn(seq) + 1);
      ps.setInt(2, (int) span.lengthIn(seq));
      ps.setLong(3, span.bodyId());
      ps.setInt(4, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_MESSAGE, "body gone");
        }
        return rs.getBytes(1);
      }
    }
  }
}
