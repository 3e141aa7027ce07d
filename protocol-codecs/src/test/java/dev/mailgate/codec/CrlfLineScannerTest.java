package dev.mailgate.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The line rules SMTP and POP3 share, on the scanner alone; the decoders' tests run them whole,
 * byte by byte and in random splits.
 */
class CrlfLineScannerTest {
  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void smtpBareLfStaysInsideTheLineAndMakesItNonStrict() {
    CrlfLineScanner scanner = CrlfLineScanner.smtp();
    ByteBuf in = ascii("NOOP\nRSET\r\nQUIT\r\n");
    int lf = scanner.findLf(in, 512);
    assertThat(lf).isEqualTo(10);
    assertThat(scanner.strictCrlf(in, lf)).isFalse();
    in.readerIndex(lf + 1);
    lf = scanner.findLf(in, 512);
    assertThat(lf).isEqualTo(16);
    assertThat(scanner.strictCrlf(in, lf)).isTrue();
    in.release();
  }

  @Test
  void pop3AnyLfEndsTheLineAndOneWithoutItsCrIsNonStrict() {
    CrlfLineScanner scanner = CrlfLineScanner.pop3();
    ByteBuf in = ascii("NOOP\nRSET\r\n");
    int lf = scanner.findLf(in, 255);
    assertThat(lf).isEqualTo(4);
    assertThat(scanner.strictCrlf(in, lf)).isFalse();
    in.readerIndex(lf + 1);
    lf = scanner.findLf(in, 255);
    assertThat(lf).isEqualTo(10);
    assertThat(scanner.strictCrlf(in, lf)).isTrue();
    in.release();
  }

  @Test
  void crInsideTheLineMakesItNonStrict() {
    for (CrlfLineScanner scanner : new CrlfLineScanner[] {CrlfLineScanner.smtp(), CrlfLineScanner.pop3()}) {
      ByteBuf in = ascii("NO\rOP\r\n");
      int lf = scanner.findLf(in, 64);
      assertThat(lf).isEqualTo(6);
      assertThat(scanner.strictCrlf(in, lf)).isFalse();
      in.release();
    }
  }

  @Test
  void theLimitCountsTheLineWithItsCrlf() {
    for (CrlfLineScanner scanner : new CrlfLineScanner[] {CrlfLineScanner.smtp(), CrlfLineScanner.pop3()}) {
      ByteBuf fits = ascii("NOOP\r\n");
      assertThat(scanner.findLf(fits, 6)).isEqualTo(5);
      scanner.strictCrlf(fits, 5);
      assertThat(scanner.findLf(fits, 5)).isEqualTo(CrlfLineScanner.TOO_LONG);
      fits.release();
    }
  }

  @Test
  void aLineArrivingInPiecesNeedsMoreUntilItsEnd() {
    CrlfLineScanner scanner = CrlfLineScanner.smtp();
    ByteBuf in = Unpooled.buffer();
    in.writeBytes("NOOP\r".getBytes(StandardCharsets.US_ASCII));
    assertThat(scanner.findLf(in, 512)).isEqualTo(CrlfLineScanner.NEED_MORE);
    in.writeByte('\n');
    assertThat(scanner.findLf(in, 512)).isEqualTo(5);
    in.release();
  }

  @Test
  void smtpDiscardEndsOnlyAtCrlfEvenWhenCrAndLfArriveApart() {
    CrlfLineScanner scanner = CrlfLineScanner.smtp();
    ByteBuf first = ascii("xxxx\nyy\r");
    scanner.startDiscard(first, 2);
    assertThat(scanner.discard(first)).isFalse();
    assertThat(first.readableBytes()).isZero();
    ByteBuf second = ascii("\nNOOP\r\n");
    assertThat(scanner.discard(second)).isTrue();
    assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
    first.release();
    second.release();
  }

  @Test
  void pop3DiscardEndsAtTheNextLf() {
    CrlfLineScanner scanner = CrlfLineScanner.pop3();
    ByteBuf in = ascii("xxxx\nNOOP\r\n");
    scanner.startDiscard(in, 2);
    assertThat(scanner.discard(in)).isTrue();
    assertThat(in.toString(StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
    in.release();
  }

  @Test
  void nextLineDropsAnOverLongLineAsItArrivesAndSaysSoWhenItEnds() {
    CrlfLineScanner scanner = CrlfLineScanner.pop3();
    ByteBuf first = ascii("0123456789");
    assertThat(scanner.nextLine(first, 8)).isEqualTo(CrlfLineScanner.NEED_MORE);
    assertThat(first.readableBytes()).isZero();
    ByteBuf second = ascii("abc\r\nNOOP\r\n");
    assertThat(scanner.nextLine(second, 8)).isEqualTo(CrlfLineScanner.TOO_LONG);
    int lf = scanner.nextLine(second, 8);
    assertThat(lf).isEqualTo(10);
    assertThat(scanner.strictCrlf(second, lf)).isTrue();
    first.release();
    second.release();
  }
}
