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
 * Either way nothing of the literal is allocated. The failure says how to answer:
 * <ul>
 *   <li>MESSAGE_TOO_BIG for an APPEND message over {@link ImapLimits#maxLiteralAfterLogin()}, the
 *       APPENDLIMIT: {@code NO [TOOBIG]} and the session carries on (RFC 7889 section 3, RFC 9051
 *       section 7.1);
 *   <li>LITERAL_TOO_BIG otherwise, including a {@code {n+}} over
 *       {@link ImapLimits#maxNonSyncLiteral()} under LITERAL- whatever its size (RFC 7888 section
 *       4): {@code BAD [TOOBIG]}.
 * </ul>
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
public final class ImapCommandFramer extends ByteToMessageDecoder implements ImapFramer {
  private enum State { LINE, LITERAL, STREAM, DISCARD }

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
  private boolean streamAppend;

  /** The failure of the command being discarded, emitted once its end is found. */
  private DecodeFailure pending;
  private final ImapLineScanner scanner;

  public ImapCommandFramer(ImapLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.scanner = new ImapLineScanner(limits.maxLineLength());
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
    frame(in, out);
  }

  @Override
  public void frame(ByteBuf in, List<Object> out) {
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
        case DISCARD -> {
          if (!scanner.discard(in, false)) {
            return;
          }
          out.add(pending);
          pending = null;
          state = State.LINE;
        }
      }
    }
  }

  /** Reads one line of the current command; false when more bytes are needed. */
  private boolean readLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = scanner.findLf(in);
    if (lf == ImapLineScanner.NEED_MORE) {
      return false;
    }
    if (lf == ImapLineScanner.TOO_LONG) {
      fail(in, ProtocolError.LINE_TOO_LONG, "line exceeds " + limits.maxLineLength() + " octets");
      return true;
    }
    if (!ImapLineScanner.strictCrlf(in, start, lf)) {
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
    DecodeFailure refusal = refuseLiteral(in, size, nonSync, length);
    if (refusal != null) {
      in.skipBytes(length + 2);
      refuse(out, refusal, nonSync, size);
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
      ByteBuf first = lines.isEmpty() ? line : lines.get(0);
      streamTag = tagOf(first);
      streamAppend = continuationFrame ? streamAppend : isAppend(first);
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

  /** Why the literal announced by the line at {@code in} cannot be taken, or null when it can. */
  private DecodeFailure refuseLiteral(ByteBuf in, long size, boolean nonSync, int lineLength) {
    String tag = currentTag(in);
    if (literalCount + 1 > limits.maxLiteralsPerCommand()) {
      return new DecodeFailure(ProtocolError.TOO_MANY_PARAMETERS, tag,
          "more than " + limits.maxLiteralsPerCommand() + " literals");
    }
    long max = limits.maxLiteral(authenticated);
    if (nonSync && size > limits.maxNonSyncLiteral() && limits.maxNonSyncLiteral() < max) {
      return new DecodeFailure(ProtocolError.LITERAL_TOO_BIG, tag, "non-synchronising literal of "
          + size + " octets exceeds " + limits.maxNonSyncLiteral());
    }
    if (size > max) {
      boolean message = authenticated && (continuationFrame ? streamAppend
          : isAppend(lines.isEmpty() ? in : lines.get(0)));
      return new DecodeFailure(message ? ProtocolError.MESSAGE_TOO_BIG : ProtocolError.LITERAL_TOO_BIG,
          tag, "literal of " + size + " octets exceeds " + max);
    }
    if (size <= limits.maxInlineLiteral()
        && (long) commandBytes + lineLength + size > limits.maxCommandBytes()) {
      return new DecodeFailure(ProtocolError.LITERAL_TOO_BIG, tag,
          "command exceeds " + limits.maxCommandBytes() + " octets");
    }
    return null;
  }

  /** Refuses a literal from its announcement, without reading any of it. */
  private void refuse(List<Object> out, DecodeFailure failure, boolean nonSync, long size) {
    releaseCommand();
    if (nonSync) {
      // The client sends the literal without waiting: skip it and the rest of the command.
      pending = failure;
      scanner.startDiscard(size);
      state = State.DISCARD;
    } else {
      // The client waits for "+" before sending the literal: the command ends here.
      out.add(failure);
      state = State.LINE;
    }
  }

  /** Fails the command being read at the current line and discards to the end of that line. */
  private void fail(ByteBuf in, ProtocolError error, String detail) {
    pending = new DecodeFailure(error, currentTag(in), detail);
    releaseCommand();
    scanner.startDiscard(0);
    state = State.DISCARD;
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

  private String currentTag(ByteBuf in) {
    if (continuationFrame) {
      return streamTag;
    }
    return lines.isEmpty() ? tagOf(in) : tagOf(lines.get(0));
  }

  /** Whether the command line starting at {@code buf}'s reader index is an APPEND. */
  private static boolean isAppend(ByteBuf buf) {
    int base = buf.readerIndex();
    int sp = buf.indexOf(base, Math.min(buf.writerIndex(), base + MAX_TAG + 1), (byte) ' ');
    int from = sp + 1;
    if (sp <= base || buf.writerIndex() - from <= APPEND.length) {
      return false;
    }
    for (int i = 0; i < APPEND.length; i++) {
      if ((buf.getByte(from + i) & 0xDF) != APPEND[i]) {
        return false;
      }
    }
    return buf.getByte(from + APPEND.length) == ' ';
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
  public void discard() {
    releaseCommand();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseCommand();
  }
}
