package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * An IMAP framer ({@link ImapCommandFramer}, {@link ImapResponseFramer}) driven outside a channel
 * pipeline: the caller keeps the cumulation of socket reads and calls {@link #frame} with it, so a
 * session can decide exactly which frames it consumed and hand the unread bytes on (a proxy's
 * residual bytes at the start of its relay) without an {@code EmbeddedChannel} per connection.
 */
public interface ImapFramer {

  /**
   * Reads every complete unit (frame, continuation request, literal chunk, failure) from {@code
   * in} and appends it to {@code out}, in order; the bytes of an incomplete unit stay unread, to
   * be offered again with what arrives next. The same rules and limits apply as in a pipeline.
   */
  void frame(ByteBuf in, List<Object> out);

  /** Releases the parts of a unit framed so far (lines and literals already sliced). */
  void discard();
}
