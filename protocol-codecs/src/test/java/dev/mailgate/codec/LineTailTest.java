package dev.mailgate.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineTailTest {

  private static String kept(LineTail t) {
    return new String(t.array(), 0, t.length(), StandardCharsets.US_ASCII);
  }

  @Test
  void keepsTheLastOctetsOfALineHoweverItIsSplit() {
    String line = "a1 APPEND INBOX (\\Seen) {1234567890+}\r";
    Random random = new Random(20261205);
    for (int run = 0; run < 200; run++) {
      LineTail tail = new LineTail(8);
      ByteBuf in = Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
      int at = 0;
      while (at < line.length()) {
        int n = run == 0 ? 1 : 1 + random.nextInt(line.length() - at);
        tail.remember(in, at, at + n);
        at += n;
      }
      assertThat(kept(tail)).isEqualTo(line.substring(line.length() - 8));
      in.release();
    }
  }

  @Test
  void aShortLineIsKeptWhole() {
    LineTail tail = new LineTail(5);
    ByteBuf in = Unpooled.copiedBuffer("QU", StandardCharsets.US_ASCII);
    ByteBuf rest = Unpooled.copiedBuffer("IT\r", StandardCharsets.US_ASCII);
    tail.remember(in, 0, 2);
    tail.remember(rest, 0, 3);
    assertThat(kept(tail)).isEqualTo("QUIT\r");
    in.release();
    rest.release();
  }

  @Test
  void dropCrRemovesOnlyAFinalCarriageReturn() {
    LineTail tail = new LineTail(5);
    ByteBuf in = Unpooled.copiedBuffer("QUIT\r", StandardCharsets.US_ASCII);
    tail.remember(in, 0, 5);
    assertThat(tail.dropCr()).isTrue();
    assertThat(kept(tail)).isEqualTo("QUIT");
    assertThat(tail.dropCr()).isFalse();
    assertThat(tail.view().getByte(3)).isEqualTo((byte) 'T');
    tail.clear();
    assertThat(tail.length()).isZero();
    assertThat(tail.dropCr()).isFalse();
    in.release();
  }
}
