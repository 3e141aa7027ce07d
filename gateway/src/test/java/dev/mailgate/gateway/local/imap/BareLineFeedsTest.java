package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BareLineFeedsTest {

  /** Input and expected output, with {@code \n} and {@code \r} written as {@code N} and {@code R}. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "aNb, aRNb",
      "aRNb, aRNb",
      "N, RN",
      "NN, RNRN",
      "R, R",
      "RRNN, RRNRN",
      "NRN.N, RNRN.RN",
      "Subject: xNNbodyRNlastN, Subject: xRNRNbodyRNlastRN",
      "'', ''",
  })
  void everyBareLineFeedGetsACrInEverySplitOfTheInputAndCrlfIsLeftAlone(String in, String expected) {
    byte[] input = bytes(in);
    // whole, every cut in two, every cut in three, and byte by byte
    List<int[]> splits = new ArrayList<>();
    splits.add(new int[] {});
    for (int i = 0; i <= input.length; i++) {
      splits.add(new int[] {i});
      for (int j = i; j <= input.length; j++) {
        splits.add(new int[] {i, j});
      }
    }
    int[] each = new int[input.length];
    for (int i = 0; i < each.length; i++) {
      each[i] = i;
    }
    splits.add(each);
    for (int[] cuts : splits) {
      assertThat(text(convert(input, cuts))).as("cut at %s", java.util.Arrays.toString(cuts))
          .isEqualTo(expected);
    }
  }

  @Test
  void theSourceChunkIsNeitherConsumedNorChanged() {
    ByteBuf chunk = Unpooled.wrappedBuffer(bytes("xxaNb"));
    chunk.readerIndex(2);
    ByteBuffer out = new BareLineFeeds().toCrlf(chunk);
    assertThat(text(copy(out))).isEqualTo("aRNb");
    assertThat(chunk.readerIndex()).isEqualTo(2);
    assertThat(chunk.toString(ISO_8859_1)).isEqualTo("a\nb");
  }

  private static byte[] convert(byte[] input, int[] cuts) {
    BareLineFeeds lineEnds = new BareLineFeeds();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : input.length;
      out.writeBytes(copy(lineEnds.toCrlf(Unpooled.wrappedBuffer(input, from, to - from))));
      from = to;
    }
    return out.toByteArray();
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  private static byte[] bytes(String s) {
    return s.replace('N', '\n').replace('R', '\r').getBytes(ISO_8859_1);
  }

  private static String text(byte[] b) {
    return new String(b, ISO_8859_1).replace('\n', 'N').replace('\r', 'R');
  }
}
