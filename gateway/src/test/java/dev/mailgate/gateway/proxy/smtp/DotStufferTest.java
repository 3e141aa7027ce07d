package dev.mailgate.gateway.proxy.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BDAT content to DATA content: the same result for every way the content is cut into chunks. */
class DotStufferTest {

  static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** Whole, byte by byte, every two-piece cut and random cuts. */
  static List<List<byte[]>> splits(byte[] in) {
    List<List<byte[]>> out = new ArrayList<>();
    out.add(List.of(in));
    List<byte[]> single = new ArrayList<>();
    for (byte b : in) {
      single.add(new byte[] {b});
    }
    out.add(single);
    for (int cut = 1; cut < in.length; cut++) {
      out.add(List.of(java.util.Arrays.copyOfRange(in, 0, cut), java.util.Arrays.copyOfRange(in, cut, in.length)));
    }
    Random r = new Random(42);
    for (int run = 0; run < 20; run++) {
      List<byte[]> pieces = new ArrayList<>();
      int pos = 0;
      while (pos < in.length) {
        int n = 1 + r.nextInt(Math.min(7, in.length - pos));
        pieces.add(java.util.Arrays.copyOfRange(in, pos, pos + n));
        pos += n;
      }
      out.add(pieces);
    }
    return out;
  }

  static String convert(List<byte[]> pieces) {
    DotStuffer s = new DotStuffer();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : pieces) {
      ByteBuf b = s.stuff(Unpooled.copiedBuffer(p), ALLOC);
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    ByteBuf end = s.finish();
    out.writeBytes(ByteBufUtil.getBytes(end));
    end.release();
    return out.toString(StandardCharsets.US_ASCII);
  }

  static void assertEverySplit(String bdat, String data) {
    for (List<byte[]> pieces : splits(bdat.getBytes(StandardCharsets.US_ASCII))) {
      assertThat(convert(pieces)).as("split into %d pieces", pieces.size()).isEqualTo(data);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a\r\n", "no final line break", "a\r\nb\r\n\r\n"})
  void contentWithoutDotsOnlyGainsTheTerminator(String content) {
    String expected = content.isEmpty() || content.endsWith("\r\n") ? content + ".\r\n" : content + "\r\n.\r\n";
    assertEverySplit(content, expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {".\r\n", ".leading\r\n", "a\r\n.\r\nb\r\n", "a\r\n..\r\n", "x.y\r\n.z", "a\r\n."})
  void everyLineStartingWithADotGetsAnotherDot(String content) {
    String stuffed = (content.startsWith(".") ? "." : "") + content.replace("\r\n.", "\r\n..");
    String expected = stuffed.endsWith("\r\n") ? stuffed + ".\r\n" : stuffed + "\r\n.\r\n";
    assertEverySplit(content, expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb\r\n", "a\rb\r\n", "a\r\r\n", "\n", "a\n.\r\n", "end\r"})
  void bareCarriageReturnOrLineFeedIsRefusedWhateverTheSplit(String content) {
    for (List<byte[]> pieces : splits(content.getBytes(StandardCharsets.US_ASCII))) {
      assertThatThrownBy(() -> convert(pieces)).isInstanceOf(DotStuffer.BareLineEnding.class);
    }
  }

  @org.junit.jupiter.api.Test
  void inputIsReleasedAndOutputSharesItsMemory() {
    DotStuffer s = new DotStuffer();
    ByteBuf in = Unpooled.directBuffer().writeBytes("a\r\n.b\r\n".getBytes(StandardCharsets.US_ASCII));
    ByteBuf out = s.stuff(in, ALLOC);
    assertThat(in.refCnt()).isEqualTo(2); // held only by the output's two slices (around the added dot)
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("a\r\n..b\r\n");
    out.release();
    assertThat(in.refCnt()).isZero();
  }
}
