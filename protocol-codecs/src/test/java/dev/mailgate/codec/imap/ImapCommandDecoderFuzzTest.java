package dev.mailgate.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailgate.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the server-side chain (framer + parser) with arbitrary bytes in arbitrary splits: only the
 * codec's own messages come out (commands, failures, continuation requests, chunks), nothing
 * escapes as an exception, every frame stays within the limits, and every input byte is released.
 */
@Tag("fuzz")
class ImapCommandDecoderFuzzTest {
  private static final ImapLimits LIMITS =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withLiteralLimits(64, 8192, 32)
          .withInline(1024, 4096, 4096).withStructure(4, 6, 32);

  @FuzzTest(maxDuration = "15s")
  void anyInputYieldsOnlyCodecMessagesAndNoLeak(FuzzedDataProvider data) {
    boolean authenticated = data.consumeBoolean();
    ImapCommandFramer framer = new ImapCommandFramer(LIMITS);
    framer.authenticated(authenticated);
    ImapCommandParser parser = new ImapCommandParser(LIMITS);
    parser.utf8Accept(data.consumeBoolean());
    EmbeddedChannel ch = new EmbeddedChannel(framer, new ImapCommandDecoder(parser));
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        int n = data.consumeInt(1, 512);
        ByteBuf in = Unpooled.wrappedBuffer(data.consumeBytes(n));
        inputs.add(in);
        ch.writeInbound(in.retain());
        drain(ch);
      }
      ch.finish();
      drain(ch);
    } finally {
      ch.finishAndReleaseAll();
    }
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).as("input released").isEqualTo(1);
      in.release();
    }
  }

  private static void drain(EmbeddedChannel ch) {
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      try {
        if (msg instanceof ImapCommand.Append a) {
          long inline = a.messages().stream().filter(m -> !m.streamed()).mapToLong(m -> m.size()).sum();
          assertThat(inline).isLessThanOrEqualTo(LIMITS.maxCommandBytes());
        } else if (msg instanceof ImapLiteralChunk c) {
          assertThat((long) c.content().readableBytes()).isLessThanOrEqualTo(LIMITS.maxLiteralAfterLogin());
        } else {
          assertThat(msg).isInstanceOfAny(ImapCommand.class, DecodeFailure.class, ImapContinuationRequest.class);
        }
        if (msg instanceof ImapCommand c) {
          c.toString();
        }
      } finally {
        if (msg instanceof ImapCommand c) {
          ImapCommands.release(c);
        } else {
          ReferenceCountUtil.release(msg);
        }
      }
    }
  }
}
