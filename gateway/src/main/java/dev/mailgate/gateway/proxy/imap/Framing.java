package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ImapSegments;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs an IMAP framer ({@code ImapCommandFramer} or {@code ImapResponseFramer}) outside the
 * connection's pipeline, so the session decides exactly which frames it consumed: at STARTTLS it
 * throws the framer away with whatever it buffered, and when the relay starts it turns every frame
 * it did not consume, plus the framer's buffered bytes, back into the exact wire bytes (residual
 * bytes forwarded to the other side).
 *
 * <p>Bounded: the session feeds one socket read at a time and asks for the next read only after
 * it handled every frame of this one, so at most one read's frames wait here.
 */
final class Framing implements AutoCloseable {

  private final Supplier<? extends ChannelHandler> factory;
  private EmbeddedChannel channel;

  Framing(Supplier<? extends ChannelHandler> factory) {
    this.factory = factory;
    this.channel = new EmbeddedChannel(factory.get());
  }

  /** Feeds bytes (ownership taken) and returns what the framer emitted, in order. */
  List<Object> feed(ByteBuf bytes) {
    channel.writeInbound(bytes);
    List<Object> out = new ArrayList<>(2);
    for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
      out.add(o);
    }
    return out;
  }

  /** Drops the framer and anything it buffered; a fresh one takes its place (STARTTLS). */
  void reset() {
    channel.finishAndReleaseAll();
    channel = new EmbeddedChannel(factory.get());
  }

  /**
   * The wire bytes of {@code unconsumed} frames (released here) followed by the bytes the framer
   * still buffers; the framer is finished. Returns null when there is nothing.
   */
  ByteBuf residual(List<Object> unconsumed, ByteBufAllocator alloc) {
    CompositeByteBuf out = alloc.compositeBuffer(Integer.MAX_VALUE);
    for (Object o : unconsumed) {
      if (o instanceof ImapSegments s) {
        append(out, alloc, s);
      }
      ReferenceCountUtil.release(o);
    }
    // Removing a ByteToMessageDecoder hands its cumulation downstream as one buffer.
    channel.pipeline().removeFirst();
    for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
      if (o instanceof ByteBuf b) {
        out.addComponent(true, b);
      } else {
        ReferenceCountUtil.release(o);
      }
    }
    channel.finishAndReleaseAll();
    if (!out.isReadable()) {
      out.release();
      return null;
    }
    return out;
  }

  /** Releases the framer's buffers. */
  @Override
  public void close() {
    channel.finishAndReleaseAll();
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
