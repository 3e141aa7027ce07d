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
 * Client-side framing of server responses for the backend leg (RFC 9051 sections 2.2.2 and 4.3):
 * emits one {@link ImapResponseFrame} per response, with every literal (FETCH bodies, strings)
 * as a zero-copy retained slice, or a {@link DecodeFailure}.
 *
 * <p><b>Limits.</b> {@link ImapLimits#maxLineLength()} per line, {@link
 * ImapLimits#maxResponseLiteral()} per literal, {@link ImapLimits#maxListItems()} literals per
 * response. A server literal is always sent in full, so one over the limit is skipped without
 * being buffered and the rest of its response discarded; a too-long line is discarded to its LF,
 * still honouring a literal announced at its end. Strict CRLF.
 *
 * <p>Lines are found with {@link ByteBuf#indexOf}; literals are sliced, never scanned.
 */
public final class ImapResponseFramer extends ByteToMessageDecoder implements ImapFramer {
  private enum State { LINE, LITERAL, DISCARD }

  private final ImapLimits limits;
  private State state = State.LINE;
  private final List<ByteBuf> lines = new ArrayList<>(2);
  private final List<ByteBuf> literals = new ArrayList<>(2);
  private final ImapLineScanner scanner;
  private long remaining;
  private ProtocolError pendingError;
  private String pendingDetail;

  public ImapResponseFramer(ImapLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.scanner = new ImapLineScanner(limits.maxLineLength());
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
        case DISCARD -> {
          // The server sends every literal without waiting: skip them and the rest of the response.
          if (!scanner.discard(in, true)) {
            return;
          }
          out.add(DecodeFailure.of(pendingError, pendingDetail));
          pendingError = null;
          pendingDetail = null;
          state = State.LINE;
        }
      }
    }
  }

  private boolean readLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = scanner.findLf(in);
    if (lf == ImapLineScanner.NEED_MORE) {
      return false;
    }
    if (lf == ImapLineScanner.TOO_LONG) {
      fail(ProtocolError.LINE_TOO_LONG, "response line too long");
      return true;
    }
    if (!ImapLineScanner.strictCrlf(in, start, lf)) {
      fail(ProtocolError.BAD_LINE_ENDING, "response line not terminated by CRLF");
      return true;
    }
    int end = lf - 1;
    long marker = LiteralMarker.parse(in, start, end);
    if (marker != LiteralMarker.NONE) {
      long size = LiteralMarker.size(marker);
      String refusal = null;
      ProtocolError error = ProtocolError.LITERAL_TOO_BIG;
      if (literals.size() + 1 > limits.maxListItems()) {
        refusal = "too many literals in one response";
        error = ProtocolError.TOO_MANY_PARAMETERS;
      } else if (size > limits.maxResponseLiteral() || size > Integer.MAX_VALUE - 16) {
        refusal = "response literal of " + size + " octets exceeds " + limits.maxResponseLiteral();
      }
      if (refusal != null) {
        in.readerIndex(lf + 1);
        releaseResponse();
        pendingError = error;
        pendingDetail = refusal;
        scanner.startDiscard(size);
        state = State.DISCARD;
        return true;
      }
      lines.add(in.readRetainedSlice(end - start));
      in.skipBytes(2);
      remaining = size;
      state = State.LITERAL;
      return true;
    }
    lines.add(in.readRetainedSlice(end - start));
    in.skipBytes(2);
    ByteBuf[] l = lines.toArray(new ByteBuf[0]);
    ByteBuf[] lit = literals.toArray(new ByteBuf[0]);
    lines.clear();
    literals.clear();
    out.add(new ImapResponseFrame(l, lit));
    return true;
  }

  private void fail(ProtocolError error, String detail) {
    releaseResponse();
    pendingError = error;
    pendingDetail = detail;
    scanner.startDiscard(0);
    state = State.DISCARD;
  }



  private void releaseResponse() {
    for (ByteBuf b : lines) {
      b.release();
    }
    for (ByteBuf b : literals) {
      b.release();
    }
    lines.clear();
    literals.clear();
  }

  @Override
  public void discard() {
    releaseResponse();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseResponse();
  }
}
