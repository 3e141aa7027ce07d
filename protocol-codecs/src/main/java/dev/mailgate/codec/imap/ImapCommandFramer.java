package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Server-side IMAP framing (RFC 3501 sections 2.2 and 4.3, RFC 9051, LITERAL+/LITERAL- RFC 7888,
 * BINARY RFC 3516): finds where each client command ends across lines and literals and emits, in
 * order:
 *
 * <ul>
 *   <li>{@link ImapCommandFrame} for each command (or head / continuation of a streamed one);
 *   <li>{@link ImapContinuationRequest} when a synchronising literal within the limits was
 *       announced: the session sends {@code + ...};
 *   <li>{@link ImapLiteralChunk}s of literals larger than {@link ImapLimits#maxInlineLiteral()};
 *   <li>{@link DecodeFailure} when a limit or the line grammar is broken, after which the framer
 *       has resynchronised.
 * </ul>
 *
 * <p><b>Limits.</b> Lines are bounded by {@link ImapLimits#maxLineLength()} while they arrive; a
 * literal larger than the limit of the session's state ({@link #authenticated(boolean)}) is
 * refused from its announcement: for {@code {n}} the client waits for a continuation that never
 * comes, so the command ends there; for {@code {n+}} the n octets are skipped without buffering.
 * Either way nothing of the literal is allocated and the session answers {@code BAD [TOOBIG]}.
 *
 * <p><b>Resynchronisation.</b> After a broken line the framer discards to the next LF, still
 * recognising a literal announced at the end of the discarded line so that literal bytes are never
 * read as commands.
 *
 * <p><b>Strict CRLF.</b> A bare LF or a CR not followed by LF fails the command.
 *
 * <p>Lines are found with {@link ByteBuf#indexOf} and literals are taken with {@link
 * ByteBuf#readRetainedSlice}, so no per-byte work is done on literal contents.
 */
public final class ImapCommandFramer extends ByteToMessageDecoder {
  private enum State { LINE, LITERAL, STREAM, DISCARD_LITERAL, DISCARD_LINE }

  private static final int MAX_TAG = 64;
  private static final byte[] APPEND = {'A', 'P', 'P', 'E', 'N', 'D'};

  private final ImapLimits limits;
  private boolean authenticated;

  private State state = State.LINE;
  private final List<ByteBuf> lines = new ArrayList<>(2);
  private final List<ByteBuf> literals = new ArrayList<>(2);
  private boolean continuationFrame;
  private int commandBytes;
  private int literalCount;
  private long remaining;
  private String streamTag;

  private ProtocolError pendingError;
  private String pendingTag;
  private String pendingDetail;
  private final byte[] tail = new byte[LiteralMarker.MAX_LENGTH + 1];
  private int tailLength;
  private int scanned;

  public ImapCommandFramer(ImapLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Switches the literal limit to the authenticated one (call after a successful login). Commands
   * the client pipelined behind its LOGIN may already have been framed under the pre-login limit;
   * that errs on the safe side (a large non-synchronising APPEND pipelined behind LOGIN gets
   * {@code BAD [TOOBIG]}).
   */
  public void authenticated(boolean value) {
    this.authenticated = value;
  }

  public boolean authenticated() {
    return authenticated;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    for (;;) {
      switch (state) {
        case LINE -> {
          if (!readLine(in, out)) {
            return;
          }
        }
        case LITERAL -> {
          if (in.readableBytes() < remaining) {
            return;
          }
          literals.add(in.readRetainedSlice((int) remaining));
          state = State.LINE;
        }
        case STREAM -> {
          int n = (int) Math.min(in.readableBytes(), remaining);
          if (n == 0) {
            return;
          }
          remaining -= n;
          out.add(new ImapLiteralChunk(in.readRetainedSlice(n), remaining == 0));
          if (remaining == 0) {
            continuationFrame = true;
            state = State.LINE;
          }
        }
        case DISCARD_LITERAL -> {
          int n = (int) Math.min(in.readableBytes(), remaining);
          if (n == 0) {
            return;
          }
          in.skipBytes(n);
          remaining -= n;
          if (remaining == 0) {
            tailLength = 0;
            state = State.DISCARD_LINE;
          }
        }
        case DISCARD_LINE -> {
          if (!discardLine(in, out)) {
            return;
          }
        }
      }
    }
  }

  /** Reads one line of the current command; false when more bytes are needed. */
  private boolean readLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int window = Math.min(readable, limits.maxLineLength() + 2);
    // Resume the LF search where the previous call stopped: no rescans of a slowly arriving line.
    int lf = in.indexOf(start + Math.min(scanned, window), start + window, (byte) '\n');
    scanned = lf < 0 ? window : 0;
    if (lf < 0) {
      if (readable < limits.maxLineLength() + 2) {
        return false;
      }
      fail(in, ProtocolError.LINE_TOO_LONG, "line exceeds " + limits.maxLineLength() + " octets");
      return true;
    }
    if (lf == start || in.getByte(lf - 1) != '\r' || in.indexOf(start, lf - 1, (byte) '\r') >= 0) {
      fail(in, ProtocolError.BAD_LINE_ENDING, "line not terminated by CRLF");
      return true;
    }
    int end = lf - 1;
    int length = end - start;
    if (commandBytes + length > limits.maxCommandBytes()) {
      fail(in, ProtocolError.LINE_TOO_LONG, "command exceeds " + limits.maxCommandBytes() + " octets");
      return true;
    }
    long marker = LiteralMarker.parse(in, start, end);
    if (marker == LiteralMarker.NONE) {
      lines.add(in.readRetainedSlice(length));
      in.skipBytes(2);
      emitFrame(out, -1);
      return true;
    }
    long size = LiteralMarker.size(marker);
    boolean nonSync = LiteralMarker.nonSync(marker);
    String refusal = refuseLiteral(size, nonSync, length);
    if (refusal != null) {
      ProtocolError error =
          literalCount + 1 > limits.maxLiteralsPerCommand()
              ? ProtocolError.TOO_MANY_PARAMETERS
              : size > limits.maxLiteral(authenticated) && authenticated && isAppend(in)
                  ? ProtocolError.MESSAGE_TOO_BIG
                  : ProtocolError.LITERAL_TOO_BIG;
      String tag = currentTag(in);
      in.skipBytes(length + 2);
      refuse(out, error, tag, refusal, nonSync, size);
      return true;
    }
    commandBytes += length;
    literalCount++;
    ByteBuf line = in.readRetainedSlice(length);
    in.skipBytes(2);
    if (!nonSync) {
      out.add(new ImapContinuationRequest(size));
    }
    if (size > limits.maxInlineLiteral()) {
      streamTag = tagOf(lines.isEmpty() ? line : lines.get(0));
      lines.add(line);
      emitFrame(out, size);
      remaining = size;
      state = State.STREAM;
    } else {
      lines.add(line);
      commandBytes += (int) size;
      remaining = size;
      state = State.LITERAL;
    }
    return true;
  }

  /** Why an announced literal cannot be taken, or null when it can. */
  private String refuseLiteral(long size, boolean nonSync, int lineLength) {
    if (literalCount + 1 > limits.maxLiteralsPerCommand()) {
      return "more than " + limits.maxLiteralsPerCommand() + " literals";
    }
    long max = limits.maxLiteral(authenticated);
    if (nonSync) {
      max = Math.min(max, limits.maxNonSyncLiteral());
    }
    if (size > max) {
      return "literal of " + size + " octets exceeds " + max;
    }
    if (size <= limits.maxInlineLiteral()
        && (long) commandBytes + lineLength + size > limits.maxCommandBytes()) {
      return "command exceeds " + limits.maxCommandBytes() + " octets";
    }
    return null;
  }

  /** Refuses a literal from its announcement, without reading any of it. */
  private void refuse(
      List<Object> out, ProtocolError error, String tag, String detail, boolean nonSync, long size) {
    releaseCommand();
    if (nonSync) {
      // The client sends the literal without waiting: skip it and the rest of the command.
      pendingError = error;
      pendingTag = tag;
      pendingDetail = detail;
      remaining = size;
      state = size == 0 ? State.DISCARD_LINE : State.DISCARD_LITERAL;
      tailLength = 0;
    } else {
      // The client waits for "+" before sending the literal: the command ends here.
      out.add(new DecodeFailure(error, tag, detail));
      state = State.LINE;
    }
  }

  /** Fails the command being read at the current line and discards to the end of that line. */
  private void fail(ByteBuf in, ProtocolError error, String detail) {
    pendingTag = currentTag(in);
    pendingError = error;
    pendingDetail = detail;
    releaseCommand();
    tailLength = 0;
    scanned = 0;
    state = State.DISCARD_LINE;
  }

  /** Skips to the next LF; false when more bytes are needed. Honours a literal announced there. */
  private boolean discardLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      remember(in, start, in.writerIndex());
      in.skipBytes(in.readableBytes());
      return false;
    }
    remember(in, start, lf);
    in.readerIndex(lf + 1);
    if (tailLength > 0 && tail[tailLength - 1] == '\r') {
      tailLength--;
    }
    long marker = LiteralMarker.parse(tail, tailLength);
    tailLength = 0;
    if (marker != LiteralMarker.NONE && LiteralMarker.nonSync(marker)) {
      remaining = LiteralMarker.size(marker);
      state = remaining == 0 ? State.DISCARD_LINE : State.DISCARD_LITERAL;
      return true;
    }
    // End of the command (a synchronising literal would wait for a "+" that never comes).
    out.add(new DecodeFailure(pendingError, pendingTag, pendingDetail));
    pendingError = null;
    pendingTag = null;
    pendingDetail = null;
    state = State.LINE;
    return true;
  }

  /** Keeps the last bytes of a discarded line, enough to recognise a literal marker. */
  private void remember(ByteBuf in, int from, int to) {
    int n = to - from;
    int keep = tail.length;
    if (n >= keep) {
      in.getBytes(to - keep, tail, 0, keep);
      tailLength = keep;
      return;
    }
    int drop = Math.max(0, tailLength + n - keep);
    if (drop > 0) {
      System.arraycopy(tail, drop, tail, 0, tailLength - drop);
      tailLength -= drop;
    }
    in.getBytes(from, tail, tailLength, n);
    tailLength += n;
  }

  private void emitFrame(List<Object> out, long streamed) {
    ByteBuf[] l = lines.toArray(new ByteBuf[0]);
    ByteBuf[] lit = literals.isEmpty() ? null : literals.toArray(new ByteBuf[0]);
    out.add(new ImapCommandFrame(l, lit, continuationFrame, streamed));
    lines.clear();
    literals.clear();
    continuationFrame = false;
    commandBytes = 0;
    if (streamed < 0) {
      literalCount = 0;
      streamTag = null;
    }
  }

  /**
   * True when the command being read is APPEND (or a MULTIAPPEND continuation): a message over the
   * literal limit is then a message too big for APPENDLIMIT, answered {@code NO [TOOBIG]} (RFC 7889
   * section 4), not a malformed command.
   */
  private boolean isAppend(ByteBuf in) {
    if (continuationFrame || streamTag != null) {
      return true;
    }
    ByteBuf first = lines.isEmpty() ? in : lines.get(0);
    int base = first.readerIndex();
    int end = Math.min(first.writerIndex(), base + MAX_TAG + 2 + APPEND.length);
    int sp = first.indexOf(base, end, (byte) ' ');
    if (sp < 0 || end - sp - 1 < APPEND.length + 1) {
      return false;
    }
    for (int i = 0; i < APPEND.length; i++) {
      if ((first.getByte(sp + 1 + i) & 0xDF) != APPEND[i]) { // ASCII letters, any case
        return false;
      }
    }
    return first.getByte(sp + 1 + APPEND.length) == ' ';
  }

  private String currentTag(ByteBuf in) {
    if (continuationFrame) {
      return streamTag;
    }
    return lines.isEmpty() ? tagOf(in) : tagOf(lines.get(0));
  }

  /** The tag at {@code from}, or null when what is there is not a plausible tag. */
  static String tagOf(ByteBuf buf) {
    int base = buf.readerIndex();
    int end = Math.min(buf.writerIndex(), base + MAX_TAG + 1);
    int sp = buf.indexOf(base, end, (byte) ' ');
    if (sp <= base) {
      return null;
    }
    for (int i = base; i < sp; i++) {
      if (!ImapChars.isTagChar(buf.getByte(i))) {
        return null;
      }
    }
    return buf.toString(base, sp - base, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private void releaseCommand() {
    for (ByteBuf b : lines) {
      b.release();
    }
    for (ByteBuf b : literals) {
      b.release();
    }
    lines.clear();
    literals.clear();
    continuationFrame = false;
    commandBytes = 0;
    literalCount = 0;
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseCommand();
  }
}
