package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.imap.ImapFramer;
import dev.mailgate.codec.imap.ImapSegments;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs an IMAP framer ({@code ImapCommandFramer} or {@code ImapResponseFramer}) outside the
 * connection's pipeline, so the session decides exactly which frames it consumed: at STARTTLS it
 * throws the framer away with whatever it buffered, and when the relay starts it turns every frame
 * it did not consume, plus the bytes not framed yet, back into the exact wire bytes (residual
 * bytes forwarded to the other side).
 *
 * <p>The framer is called directly ({@link ImapFramer#frame}) on a cumulation kept here, with
 * Netty's merge cumulator as a {@code ByteToMessageDecoder} would: no channel, pipeline or
 * outbound buffer per connection. The cumulation is released as soon as every byte of it was
 * framed, so a connection waiting for its next command holds no buffer.
 *
 * <p>Bounded: the session feeds one socket read at a time and asks for the next read only after
 * it handled every frame of this one, so at most one read's frames wait here; an incomplete line
 * is bounded by the framer's line limit and an incomplete literal by its literal limits.
 */
final class Framing implements AutoCloseable {

  private final Supplier<? extends ImapFramer> factory;
  private ImapFramer framer;
  /** Bytes read and not framed yet (an incomplete line or literal); null when there are none. */
  private ByteBuf cumulation;

  Framing(Supplier<? extends ImapFramer> factory) {
    this.factory = factory;
    this.framer = factory.get();
  }

  /** Feeds bytes (ownership taken) and returns what the framer emitted, in order. */
  List<Object> feed(ByteBuf bytes) {
    cumulation = cumulation == null
        ? bytes
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(bytes.alloc(), cumulation, bytes);
    List<Object> out = new ArrayList<>(2);
    try {
      framer.frame(cumulation, out);
    } catch (RuntimeException e) {
      out.forEach(ReferenceCountUtil::release);
      throw e;
    } finally {
      if (!cumulation.isReadable()) {
        cumulation.release();
        cumulation = null;
      } else if (cumulation.refCnt() == 1) {
        // The framed part in front is dead weight while a long literal arrives; only when no
        // frame still holds a slice of it (moving the bytes would change what the slice reads).
        cumulation.discardSomeReadBytes();
      }
    }
    return out;
  }

  /** Drops the framer and anything it buffered; a fresh one takes its place (STARTTLS). */
  void reset() {
    close();
    framer = factory.get();
  }

  /** After a refused line's tag: a command no IMAP server knows, answered with one tagged BAD. */
  static final String UNPARSED_STAND_IN = " XMAILGATE-UNPARSED\r\n";

  /**
   * The wire bytes of {@code unconsumed} frames (released here) followed by the bytes not framed
   * yet; the framer is finished. Returns null when there is nothing. A tagged line the framer
   * refused (its bytes are gone: a bare LF, a line over the limit) becomes its tag and {@link
   * #UNPARSED_STAND_IN}, which the backend answers with {@code tag BAD}, so the client still gets
   * its tagged reply (RFC 9051 section 2.2.2); dropped, the client waited for it forever.
   */
  ByteBuf residual(List<Object> unconsumed, ByteBufAllocator alloc) {
    if (unconsumed.isEmpty() && cumulation == null) {
      framer.discard(); // the usual login: nothing after it, so no composite buffer to make and free
      return null;
    }
    CompositeByteBuf out = alloc.compositeBuffer(Integer.MAX_VALUE);
    for (Object o : unconsumed) {
      if (o instanceof ImapSegments s) {
        append(out, alloc, s);
      } else if (o instanceof DecodeFailure f && f.tag() != null) {
        out.addComponent(true, Unpooled.copiedBuffer(f.tag() + UNPARSED_STAND_IN, StandardCharsets.US_ASCII));
      }
      ReferenceCountUtil.release(o);
    }
    if (cumulation != null) {
      out.addComponent(true, cumulation);
      cumulation = null;
    }
    framer.discard();
    if (!out.isReadable()) {
      out.release();
      return null;
    }
    return out;
  }

  /** Releases the framer's buffers. */
  @Override
  public void close() {
    framer.discard();
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }

  /** {@code line0 CRLF literal0 line1 CRLF ... lineN CRLF}: the frame as it came over the wire. */
  static void append(CompositeByteBuf out, ByteBufAllocator alloc, ImapSegments s) {
    for (int i = 0; i < s.lineCount(); i++) {
      out.addComponent(true, s.line(i).retainedDuplicate());
      out.addComponent(true, alloc.buffer(2).writeByte('\r').writeByte('\n'));
      if (i < s.literalCount()) {
        out.addComponent(true, s.literal(i).retainedDuplicate());
      }
    }
  }
}
