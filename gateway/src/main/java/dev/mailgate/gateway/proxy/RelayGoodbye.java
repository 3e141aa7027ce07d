package dev.mailgate.gateway.proxy;

import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.session.EndReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;

/**
 * Says the protocol's goodbye on a relayed (IMAP or POP3) connection when an administrator kicks
 * the session or the gateway drains, at a point where the line cannot be mistaken for part of what
 * the backend is sending: never inside a response line, a literal or a POP3 multi-line body. It
 * sits in the client's pipeline, watches the raw bytes both ways through a protocol's {@link
 * Conversation}, and when the conversation allows writes the goodbye after the last complete
 * response and closes the connection (the relay then closes the backend leg).
 *
 * <ul>
 *   <li>A <b>kick</b> waits only until the backend's output is between responses.
 *   <li>A <b>drain</b> also lets the command in flight finish: it waits until no command awaits its
 *       reply (an IMAP IDLE counts as finished) and the client is not in the middle of sending one.
 *       A client command that would start while a drain waits is not forwarded.
 * </ul>
 *
 * <p>A conversation that never comes to rest (a client that stops in the middle of a command) is
 * ended by the drain's timeout, which closes the connection without a goodbye.
 */
public final class RelayGoodbye extends ChannelDuplexHandler {

  public static final String NAME = "mailgate.relay-goodbye";

  /** Where a relayed conversation stands, read from its bytes in each direction. */
  public interface Conversation {
    /** Takes bytes the client sent towards the backend, {@code from} (inclusive) to {@code to}. */
    void fromClient(ByteBuf bytes, int from, int to);

    /**
     * Takes bytes the backend sent towards the client from {@code from}, stopping early at the end
     * of a response line or body; returns the index where it stopped (at most {@code to}).
     */
    int fromBackend(ByteBuf bytes, int from, int to);

    /** The backend's output is between responses: a kick may say goodbye here. */
    boolean betweenResponses();

    /** Between responses, and no command is in flight either way: a drain may say goodbye here. */
    boolean atRest();

    /** The client is between commands (a new one would start with its next byte). */
    boolean clientBetweenCommands();

    /** The client has sent its protocol goodbye (IMAP LOGOUT, POP3 QUIT) as a whole command. */
    boolean clientSaidGoodbye();
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RelayGoodbye.class);

  private final Conversation conversation;
  private final SessionContext session;
  /** The client's LOGOUT or QUIT has been noted as the session's end reason. */
  private boolean quitNoted;
  private ChannelHandlerContext ctx;
  /** The goodbye waiting for a safe point, or null. */
  private byte[] pending;
  private boolean pendingIsKick;
  private boolean said;

  private RelayGoodbye(Conversation conversation, SessionContext session) {
    this.conversation = conversation;
    this.session = session;
  }

  /**
   * Puts a goodbye handler on the client's connection and points the session's kick and drain at
   * it; call when the relay starts. {@code drainNow} asks for the drain goodbye at once (a drain
   * that came during the login).
   */
  public static void install(SessionContext context, Conversation conversation, String kickLine, String drainLine,
      boolean drainNow) {
    install(context, conversation, Lines.of(kickLine, drainLine), drainNow);
  }

  /**
   * The kick and drain lines of a protocol with their CRLF, encoded once: a protocol keeps them as
   * a constant rather than encoding both for every relayed session. The arrays are never changed.
   */
  public record Lines(byte[] kick, byte[] drain) {
    public static Lines of(String kickLine, String drainLine) {
      return new Lines(line(kickLine), line(drainLine));
    }
  }

  /** {@link #install(SessionContext, Conversation, String, String, boolean)} with lines encoded once. */
  public static void install(SessionContext context, Conversation conversation, Lines lines, boolean drainNow) {
    RelayGoodbye handler = new RelayGoodbye(conversation, context);
    context.addCodec(NAME, handler);
    byte[] kick = lines.kick();
    byte[] drain = lines.drain();
    context.onKick(() -> handler.request(kick, true));
    context.onDrain(() -> handler.request(drain, false));
    if (drainNow) {
      context.connection().channel().eventLoop().execute(() -> handler.request(drain, false));
    }
  }

  private static byte[] line(String text) {
    return (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** On the event loop: says goodbye now if the conversation allows, else at the next safe point. */
  private void request(byte[] goodbye, boolean kick) {
    if (said || ctx == null || (pending != null && pendingIsKick)) {
      return;
    }
    pending = goodbye;
    pendingIsKick = kick;
    LOG.debug("{} asked on {}: {}", kick ? "kick" : "drain", ctx.channel(), conversation);
    if (safe()) {
      sayGoodbye();
    }
  }

  private boolean safe() {
    return pendingIsKick ? conversation.betweenResponses() : conversation.atRest();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b && !said) {
      if (pending != null && !pendingIsKick && conversation.clientBetweenCommands()) {
        b.release(); // a new command while draining: the goodbye is coming, the backend need not see it
        return;
      }
      conversation.fromClient(b, b.readerIndex(), b.writerIndex());
      if (!quitNoted && conversation.clientSaidGoodbye()) {
        // The backend's close that follows is the answer to it, not why the session ended.
        quitNoted = true;
        session.ending(EndReason.CLIENT_QUIT);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf b)) {
      ctx.write(msg, promise);
      return;
    }
    if (said) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    int start = b.readerIndex();
    int to = b.writerIndex();
    int i = start;
    while (i < to) {
      i = conversation.fromBackend(b, i, to);
      if (pending != null && i < to && safe()) {
        // the goodbye goes right after this response; what the backend sent after it is dropped
        ctx.write(b.retainedSlice(start, i - start), promise);
        b.release();
        sayGoodbye();
        return;
      }
    }
    ctx.write(msg, promise);
    if (pending != null && safe()) {
      sayGoodbye();
    }
  }

  private void sayGoodbye() {
    said = true;
    ByteBufAllocator alloc = ctx.alloc();
    ByteBuf line = alloc == null ? Unpooled.wrappedBuffer(pending) : alloc.buffer(pending.length).writeBytes(pending);
    pending = null;
    ctx.writeAndFlush(line).addListener(ChannelFutureListener.CLOSE);
  }
}
