package dev.mailgate.codec.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.Splits;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link SmtpCommandDecoder} behind a scripted session that accepts every DATA, answers AUTH
 * without initial response with a 334 (and then accepts the response), and accepts STARTTLS; so
 * pipelined input decodes the way a real session would see it. Every message is described as a
 * string; adjacent content pieces are merged, since how content is cut depends on the split, and
 * content followed by a message failure is dropped (the session discards a failed message).
 */
final class ServerHarness {
  private ServerHarness() {}

  static Supplier<ChannelHandler> server(SmtpLimits limits, SmtpDataDecoder.Mode mode) {
    return () -> new ChannelInitializer<EmbeddedChannel>() {
      @Override
      protected void initChannel(EmbeddedChannel ch) {
        SmtpCommandDecoder decoder = new SmtpCommandDecoder(limits, mode);
        ch.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof SmtpCommand.Data) {
              decoder.startData();
            } else if (msg instanceof SmtpCommand.Auth a) {
              if (a.initialResponse() == null) {
                decoder.expectAuthResponse();
              } else {
                decoder.resumeCommands();
              }
            } else if (msg instanceof SmtpCommand.AuthResponse) {
              decoder.resumeCommands();
            } else if (msg instanceof DecodeFailure && decoder.isPaused()) {
              decoder.resumeCommands();
            } else if (msg instanceof SmtpCommand.StartTls) {
              decoder.discardBufferedAndResume();
            }
            ctx.fireChannelRead(msg);
            decoder.messageHandled(); // answered at once, as a session that replies synchronously
          }
        });
      }
    };
  }

  static String describe(Object msg) {
    if (msg instanceof SmtpContent c) {
      return "C:" + new String(Splits.bytes(c.content()), StandardCharsets.ISO_8859_1);
    }
    if (msg instanceof DecodeFailure f) {
      return "F:" + f.error();
    }
    return msg.toString();
  }

  static List<String> merge(List<String> described) {
    List<String> out = new ArrayList<>();
    for (String s : described) {
      int last = out.size() - 1;
      if ((s.equals("F:MESSAGE_TOO_BIG") || s.equals("F:BAD_LINE_ENDING"))
          && last >= 0 && out.get(last).startsWith("C:")) {
        // content streamed before a failed message is void; how much of it was streamed
        // depends on the split
        out.remove(last);
        out.add(s);
      } else if (s.startsWith("C:") && last >= 0 && out.get(last).startsWith("C:")) {
        out.set(last, out.get(last) + s.substring(2));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** Decodes {@code input} every way of Splits and returns the one result they all agree on. */
  static List<String> decodeAllWays(Supplier<ChannelHandler> server, String input) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    List<String> first = null;
    for (List<byte[]> way : Splits.allSplits(bytes, 0x5eedL ^ bytes.length)) {
      List<String> r = merge(Splits.decode(server, way, ServerHarness::describe));
      if (first == null) {
        first = r;
      } else if (!first.equals(r)) {
        throw new AssertionError("split changed the result:\n" + first + "\n" + r);
      }
    }
    return first;
  }

  static List<String> decodeAllWays(String input) {
    return decodeAllWays(server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH), input);
  }
}
