package dev.mailgate.codec.imap;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns the {@link ImapCommandFramer}'s frames into {@link ImapCommand}s, passing {@link
 * ImapContinuationRequest}s, {@link ImapLiteralChunk}s and {@link dev.mailgate.codec.DecodeFailure}s
 * through unchanged. When the command owning a streamed literal is invalid, its chunks and the
 * rest of the command are dropped after the one {@link ImapCommand.Invalid}. It remembers the tag and mailbox of a streamed APPEND so the continuation
 * frame after its chunks becomes an {@link ImapCommand.AppendContinuation}.
 *
 * <p>Pipeline: {@code ImapCommandFramer -> ImapCommandDecoder -> session}. The session must
 * release APPEND commands ({@link ImapCommands#release}) and literal chunks.
 */
public final class ImapCommandDecoder extends MessageToMessageDecoder<Object> {
  private final ImapCommandParser parser;
  private String appendTag;
  private String appendMailbox;
  private boolean dropping;
  private boolean saslResponse;

  public ImapCommandDecoder(ImapCommandParser parser) {
    this.parser = parser;
  }

  public ImapCommandParser parser() {
    return parser;
  }

  /**
   * The next line is a SASL response, not a command: call after sending the AUTHENTICATE
   * continuation ({@code + challenge}); it arrives as {@link ImapCommand.SaslResponse}.
   */
  public void expectSaslResponse() {
    saslResponse = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (dropping && !(msg instanceof ImapCommandFrame)) {
      // Chunks of a literal whose command already failed: the failure was reported once.
      return;
    }
    if (!(msg instanceof ImapCommandFrame frame)) {
      io.netty.util.ReferenceCountUtil.retain(msg);
      out.add(msg);
      return;
    }
    if (dropping) {
      dropping = frame.streamed();
      return;
    }
    if (saslResponse && frame.lineCount() == 1 && !frame.continuation() && !frame.streamed()) {
      saslResponse = false;
      out.add(new ImapCommand.SaslResponse(ImapCommandParser.saslResponse(frame)));
      return;
    }
    ImapCommand command;
    if (frame.continuation()) {
      command = parser.parseContinuation(frame, appendTag, appendMailbox);
    } else {
      command = parser.parse(frame);
    }
    boolean streaming = command instanceof ImapCommand.Append a && a.streaming()
        || command instanceof ImapCommand.AppendContinuation c && c.streaming();
    if (command instanceof ImapCommand.Append a && streaming) {
      appendTag = a.tag();
      appendMailbox = a.mailbox();
    } else if (!streaming) {
      appendTag = null;
      appendMailbox = null;
    }
    if (command instanceof ImapCommand.Invalid && frame.streamed()) {
      dropping = true;
    }
    out.add(command);
  }
}
