package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns {@link ImapResponseFramer} output into {@link ImapResponse}s for the backend leg; {@link
 * DecodeFailure}s pass through, and a response that breaks the grammar becomes a {@link
 * DecodeFailure} ({@code SYNTAX}, or the limit it broke). {@link ImapResponse.Data} keeps its frame
 * alive and must be released. Pipeline: {@code ImapResponseFramer -> ImapResponseDecoder}.
 */
public final class ImapResponseDecoder extends MessageToMessageDecoder<Object> {
  private final ImapResponseParser parser;

  public ImapResponseDecoder(ImapLimits limits) {
    this.parser = new ImapResponseParser(limits);
  }

  /** Parses one frame outside a pipeline (tests, benchmarks); Data responses retain the frame. */
  public Object parse(ImapResponseFrame frame) {
    try {
      ImapResponse r = parser.parse(frame, frame);
      if (r instanceof ImapResponse.Data) {
        frame.retain();
      }
      return r;
    } catch (ImapSyntaxException e) {
      return DecodeFailure.of(e.error(), e.getMessage());
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof ImapResponseFrame frame) {
      out.add(parse(frame));
    } else {
      io.netty.util.ReferenceCountUtil.retain(msg);
      out.add(msg);
    }
  }
}
