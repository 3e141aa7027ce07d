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
 * Fuzzes the client-side response chain (framer + decoder): only responses and failures come out,
 * no exception escapes, literals stay within the limit, and every input byte is released.
 */
@Tag("fuzz")
class ImapResponseDecoderFuzzTest {
  private static final ImapLimits LIMITS =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withInline(1024, 4096, 2048)
          .withStructure(4, 6, 32);

  @FuzzTest(maxDuration = "15s")
  void anyResponseStreamYieldsOnlyResponsesAndNoLeak(FuzzedDataProvider data) {
    EmbeddedChannel ch =
        new EmbeddedChannel(new ImapResponseFramer(LIMITS), new ImapResponseDecoder(LIMITS));
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
        assertThat(msg).isInstanceOfAny(ImapResponse.class, DecodeFailure.class);
        if (msg instanceof ImapResponse.Data d) {
          checkLiterals(d.values());
        }
        msg.toString();
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private static void checkLiterals(List<ImapValue> values) {
    for (ImapValue v : values) {
      if (v instanceof ImapValue.Str s) {
        assertThat((long) s.bytes().readableBytes()).isLessThanOrEqualTo(LIMITS.maxResponseLiteral() + LIMITS.maxLineLength());
      } else if (v instanceof ImapValue.ListValue l) {
        checkLiterals(l.items());
      }
    }
  }
}
