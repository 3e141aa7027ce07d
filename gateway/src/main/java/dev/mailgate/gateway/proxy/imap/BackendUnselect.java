package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.codec.imap.ImapResponse;
import dev.mailgate.codec.imap.ImapResponseDecoder;
import dev.mailgate.codec.imap.ImapResponseFrame;
import dev.mailgate.codec.imap.ImapResponseFramer;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.LoopDialogue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Brings a logged-in backend session back to the authenticated state before {@link ParkedLogins}
 * keeps it: {@code UNSELECT} (RFC 3691; it expunges nothing, unlike CLOSE). Untagged responses
 * still on their way (an EXISTS, a FETCH of a flag change) are read past. The tagged OK, or BAD
 * when no mailbox was selected after all (a SELECT that failed deselects), is success; anything
 * else, an unreadable response or the backend closing is not.
 */
final class BackendUnselect extends LoopDialogue<Boolean> {

  private static final String TAG = "mg8";
  private static final byte[] UNSELECT = (TAG + " UNSELECT\r\n").getBytes(StandardCharsets.US_ASCII);

  private final Framing framing = new Framing(() -> new ImapResponseFramer(ImapLimits.DEFAULTS));
  private final ImapResponseDecoder parser = new ImapResponseDecoder(ImapLimits.DEFAULTS);

  BackendUnselect(BackendConnection connection) {
    super(connection);
  }

  @Override
  protected Boolean failed(String reason) {
    return Boolean.FALSE;
  }

  @Override
  protected void begin() {
    send(Unpooled.wrappedBuffer(UNSELECT));
  }

  @Override
  protected void ended(Boolean result) {
    framing.close();
  }

  @Override
  protected void onRead(Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      next();
      return;
    }
    List<Object> frames;
    try {
      frames = framing.feed(bytes.retain());
    } catch (RuntimeException e) {
      finish(Boolean.FALSE);
      return;
    }
    Boolean outcome = null;
    for (Object f : frames) {
      if (outcome == null) {
        Object parsed = f instanceof ImapResponseFrame frame ? parser.parse(frame) : f;
        ReferenceCountUtil.release(parsed);
        outcome = outcome(parsed);
      }
      ReferenceCountUtil.release(f);
    }
    if (outcome != null) {
      finish(outcome);
    } else {
      next();
    }
  }

  /** The dialogue's end for one response, or null to read on. */
  private static Boolean outcome(Object response) {
    if (!(response instanceof ImapResponse r)) {
      return Boolean.FALSE; // unreadable
    }
    if (r instanceof ImapResponse.Untagged u) {
      return u.status() == ImapStatus.BYE ? Boolean.FALSE : null;
    }
    if (r instanceof ImapResponse.Tagged t && TAG.equals(t.tag())) {
      return t.status() == ImapStatus.OK || t.status() == ImapStatus.BAD;
    }
    return null;
  }
}
