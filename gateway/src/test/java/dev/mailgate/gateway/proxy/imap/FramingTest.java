package dev.mailgate.gateway.proxy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.imap.ImapCommandFrame;
import dev.mailgate.codec.imap.ImapCommandFramer;
import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.codec.imap.ImapResponseFrame;
import dev.mailgate.codec.imap.ImapResponseFramer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy's framing outside a pipeline: frames across reads, hands back the exact wire bytes of
 * what the session did not consume, drops buffered plaintext at a reset, and holds no buffer once
 * everything read was framed.
 */
class FramingTest {

  private final List<ByteBuf> fed = new ArrayList<>();
  private final Framing commands = new Framing(() -> new ImapCommandFramer(ImapLimits.DEFAULTS));

  @BeforeAll
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterEach
  void nothingLeaks() {
    commands.close();
    for (ByteBuf b : fed) {
      assertThat(b.refCnt()).as("every byte fed is released").isZero();
    }
  }

  @Test
  void framesACommandSplitAcrossReads() {
    assertThat(feed(commands, "a1 NO")).isEmpty();
    List<Object> frames = feed(commands, "OP\r\n");
    assertThat(frames).hasSize(1);
    assertThat(lineOf(frames.get(0))).isEqualTo("a1 NOOP");
    release(frames);
  }

  @Test
  void framesEveryCommandOfOneRead() {
    List<Object> frames = feed(commands, "a1 CAPABILITY\r\na2 NOOP\r\na3 ID NIL\r\n");
    assertThat(frames).extracting(FramingTest::lineOf).containsExactly("a1 CAPABILITY", "a2 NOOP", "a3 ID NIL");
    release(frames);
  }

  @Test
  void holdsNoBufferOnceEveryByteWasFramed() {
    release(feed(commands, "a1 NOOP\r\n"));
    // Released at once, not at the next read: an idle connection keeps no buffer.
    assertThat(fed.get(0).refCnt()).isZero();
    assertThat(commands.residual(List.of(), ByteBufAllocator.DEFAULT)).isNull();
  }

  @Test
  void residualIsTheUnconsumedFramesThenTheUnframedBytes() {
    List<Object> frames = feed(commands, "a1 LOGIN u p\r\na2 SELECT INBOX\r\na3 NO");
    assertThat(frames).hasSize(2);
    ReferenceCountUtil.release(frames.get(0)); // the login, consumed by the session
    ByteBuf residual = commands.residual(List.of(frames.get(1)), ByteBufAllocator.DEFAULT);
    assertThat(text(residual)).isEqualTo("a2 SELECT INBOX\r\na3 NO");
  }

  @Test
  void residualKeepsALiteralByteForByte() {
    String wire = "a1 LOGIN {4+}\r\nuser pass\r\n";
    List<Object> frames = feed(commands, wire.substring(0, 17));
    frames.addAll(feed(commands, wire.substring(17)));
    assertThat(frames).hasSize(1);
    assertThat(text(commands.residual(frames, ByteBufAllocator.DEFAULT))).isEqualTo(wire);
  }

  @Test
  void resetDropsWhatWasBufferedAndFramesAfresh() {
    List<Object> frames = feed(commands, "a1 STARTTLS\r\na2 LOGIN u p\r\na3 NO");
    assertThat(frames).hasSize(2);
    release(frames);
    commands.reset();
    assertThat(commands.residual(List.of(), ByteBufAllocator.DEFAULT)).isNull();
    commands.reset();
    List<Object> after = feed(commands, "b1 NOOP\r\n");
    assertThat(after).extracting(FramingTest::lineOf).containsExactly("b1 NOOP");
    release(after);
  }

  @Test
  void framesBackendResponsesWithTheirLiterals() {
    Framing responses = new Framing(() -> new ImapResponseFramer(ImapLimits.DEFAULTS));
    try {
      assertThat(feed(responses, "* OK [CAPABILITY IMAP4rev1] re")).isEmpty();
      List<Object> frames = feed(responses, "ady\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\nt1 OK done\r\n");
      assertThat(frames).hasSize(3).allMatch(f -> f instanceof ImapResponseFrame);
      ImapResponseFrame fetch = (ImapResponseFrame) frames.get(1);
      assertThat(fetch.literalCount()).isEqualTo(1);
      assertThat(fetch.literal(0).toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
      ReferenceCountUtil.release(frames.get(0));
      ReferenceCountUtil.release(frames.get(1));
      assertThat(text(responses.residual(List.of(frames.get(2)), ByteBufAllocator.DEFAULT))).isEqualTo("t1 OK done\r\n");
    } finally {
      responses.close();
    }
  }

  private List<Object> feed(Framing framing, String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    fed.add(b);
    return new ArrayList<>(framing.feed(b));
  }

  private static String lineOf(Object frame) {
    return ((ImapCommandFrame) frame).line(0).toString(StandardCharsets.US_ASCII);
  }

  private static String text(ByteBuf b) {
    try {
      return b.toString(StandardCharsets.US_ASCII);
    } finally {
      b.release();
    }
  }

  private static void release(List<Object> frames) {
    frames.forEach(ReferenceCountUtil::release);
  }
}
