package dev.mailgate.mailbox.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes a {@link MessageStructure} in one streaming pass over a message (RFC 2045, RFC 2046
 * section 5, RFC 3501 section 7.4.2). Only header blocks are held (each capped at {@code
 * maxHeaderBytes}); bodies are scanned line by line for boundaries and counted, never kept. Field
 * values are interpreted with mime4j ({@link MimeFields}).
 *
 * <p>Limits: header bytes per entity, {@link #MAX_DEPTH} nesting levels (deeper entities are
 * treated as opaque leaves), {@link #MAX_PARTS} entities per message. A malformed message never
 * fails: a missing boundary runs the part to its parent's end, as mail readers do.
 */
public final class StructureParser {
  public static final int MAX_DEPTH = 32;
  public static final int MAX_PARTS = 10_000;
  private static final int KEEP_PER_LINE = 8 * 1024;

  private final int maxHeaderBytes;
  private LineReader reader;
  private int parts;

  public StructureParser(int maxHeaderBytes) {
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** Parses a whole message from the stream (which the caller closes). */
  public MessageStructure parse(InputStream in) throws IOException {
    reader = new LineReader(in, KEEP_PER_LINE);
    parts = 0;
    Entity e = entity(List.of(), false, 0);
    long size = reader.position();
    BodyPart root = e.part;
    return new MessageStructure(e.envelope, root, size, e.sentDate);
  }

  private record Entity(BodyPart part, Envelope envelope, Optional<Instant> sentDate) {}

  private Entity entity(List<byte[]> boundaries, boolean digest, int depth) throws IOException {
    parts++;
    long headerOffset = reader.position();
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    long bodyOffset = headerOffset;
    boolean sawLine = false;
    // the line break ending the header, when a boundary follows it without a blank line
    int breakBeforeBoundary = 0;
    int lastTerminator = 0;
    while (reader.next()) {
      sawLine = true;
      if (matchBoundary(boundaries) != 0) {
        reader.pushBack(); // no blank line before the boundary: header only, empty body
        // the line break before a boundary belongs to the boundary (RFC 2046 section 5.1.1), so
        // the header (BODY[n.MIME]) ends before it, as Dovecot's does
        breakBeforeBoundary = lastTerminator;
        bodyOffset = reader.lineStart() - breakBeforeBoundary;
        break;
      }
      lastTerminator = reader.terminator();
      if (reader.isBlank()) {
        bodyOffset = reader.lineEnd();
        break;
      }
      int room = maxHeaderBytes - header.size();
      if (room > 0) {
        header.write(reader.kept(), 0, Math.min(room, reader.keptLength()));
      }
      bodyOffset = reader.lineEnd();
    }
    if (!sawLine) {
      bodyOffset = headerOffset;
    }
    HeaderBlock fields = new HeaderBlock(header.toByteArray(), header.size());
    MimeFields mime = MimeFields.of(fields, digest);
    boolean nestable = depth < MAX_DEPTH && parts < MAX_PARTS;

    List<BodyPart> children = new ArrayList<>();
    Envelope nestedEnvelope = null;
    long[] endAndLines;
    if (nestable && mime.type().equals("multipart") && mime.params().get("boundary") != null) {
      endAndLines = multipart(mime, boundaries, children, depth);
    } else if (nestable && mime.type().equals("message") && mime.subtype().equals("rfc822")) {
      long startLine = reader.linesConsumed();
      Entity nested = entity(boundaries, false, depth + 1);
      children.add(nested.part);
      nestedEnvelope = nested.envelope;
      long lines = reader.linesConsumed() - startLine;
      // counted as leaf() counts: the break before an enclosing boundary is the boundary's, and
      // a last line without one adds none (Dovecot's body-fld-lines for forwarded messages)
      if (lines > 0 && (reader.isPushedBack() || !reader.lastLineTerminated())) {
        lines--;
      }
      endAndLines = new long[] {nested.part.bodyEnd(), lines};
    } else {
      endAndLines = leaf(boundaries, bodyOffset, 0);
    }
    if (breakBeforeBoundary > 0) {
      endAndLines = new long[] {bodyOffset, 0}; // the header ended at a boundary: no body
    }
    BodyPart part =
        new BodyPart(
            mime.type(), mime.subtype(), mime.params(), mime.id(), mime.description(),
            mime.encoding(), mime.md5(), mime.disposition(), mime.dispositionParams(),
            mime.language(), mime.location(), headerOffset, bodyOffset,
            Math.max(bodyOffset, endAndLines[0]), endAndLines[1], children, nestedEnvelope);
    return new Entity(part, MimeFields.envelope(fields), MimeFields.sentDate(fields));
  }

  /**
   * Scans a leaf body up to an enclosing boundary or the end; returns {end, lines}, lines being
   * the line breaks inside the body (body-fld-lines, RFC 3501 section 7.4.2), as Dovecot counts
   * them: the break before a boundary is the boundary's, and a last line without one adds none.
   */
  private long[] leaf(List<byte[]> boundaries, long bodyOffset, int prevTerminator)
      throws IOException {
    long breaks = 0;
    while (reader.next()) {
      if (matchBoundary(boundaries) != 0) {
        reader.pushBack();
        // the line break before a boundary belongs to the boundary (RFC 2046 section 5.1.1)
        return new long[] {Math.max(bodyOffset, reader.lineStart() - prevTerminator),
            prevTerminator > 0 && breaks > 0 ? breaks - 1 : breaks};
      }
      prevTerminator = reader.terminator();
      if (prevTerminator > 0) {
        breaks++;
      }
    }
    return new long[] {reader.position(), breaks};
  }

  private long[] multipart(MimeFields mime, List<byte[]> outer, List<BodyPart> children, int depth)
      throws IOException {
    byte[] own = ("--" + mime.params().get("boundary")).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> boundaries = new ArrayList<>(outer.size() + 1);
    boundaries.add(own);
    boundaries.addAll(outer);
    boolean digest = mime.subtype().equals("digest");
    // preamble: up to our first boundary
    long[] pre = leaf(boundaries, 0, 0);
    while (reader.next()) {
      int m = matchBoundary(boundaries);
      if (m != 1) { // an outer boundary (or none): this multipart ends unterminated
        reader.pushBack();
        return new long[] {pre[0], 0};
      }
      if (isClose(own)) {
        long[] epilogue = leaf(outer, 0, reader.terminator());
        return new long[] {epilogue[0], 0};
      }
      children.add(entity(boundaries, digest, depth + 1).part);
      pre = new long[] {reader.position(), 0};
    }
    return new long[] {reader.position(), 0};
  }

  /** 1 if the current line is the innermost boundary, 2+ for an outer one, 0 for none. */
  private int matchBoundary(List<byte[]> boundaries) {
    byte[] line = reader.kept();
    int len = reader.contentLength();
    for (int i = 0; i < boundaries.size(); i++) {
      byte[] b = boundaries.get(i);
      if (len >= b.length && startsWith(line, b) && onlyTrailer(line, b.length, len)) {
        return i + 1;
      }
    }
    return 0;
  }

  private boolean isClose(byte[] boundary) {
    byte[] line = reader.kept();
    int len = reader.contentLength();
    return len >= boundary.length + 2 && line[boundary.length] == '-' && line[boundary.length + 1] == '-';
  }

  private static boolean startsWith(byte[] line, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (line[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** After the boundary only "--" and/or linear white space may follow (RFC 2046 5.1.1). */
  private static boolean onlyTrailer(byte[] line, int from, int len) {
    int i = from;
    if (i + 1 < len && line[i] == '-' && line[i + 1] == '-') {
      i += 2;
    }
    for (; i < len; i++) {
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
