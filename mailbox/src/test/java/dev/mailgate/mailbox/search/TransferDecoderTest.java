package dev.mailgate.mailbox.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TransferDecoderTest {
  private static byte[] decode(String encoding, String... chunks) {
    TransferDecoder d = TransferDecoder.of(encoding);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String c : chunks) {
      ByteBuffer b = d.decode(ByteBuffer.wrap(c.getBytes(StandardCharsets.US_ASCII)));
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
    }
    return out.toByteArray();
  }

  @Test
  void base64FinalQuantaWithPaddingKeepTheirBytesEvenSplitAcrossChunks() {
    // "iVBORw0KGgo=" is the 8-byte PNG signature: the last quantum holds two bytes.
    assertThat(decode("base64", "iVBORw", "0KG\r\ngo=\r\n"))
        .containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    assertThat(decode("base64", "YQ==")).containsExactly('a');
    assertThat(decode("base64", "YWJj")).containsExactly('a', 'b', 'c');
  }

  @Test
  void quotedPrintableUndoesEscapesAndSoftLineBreaksAcrossChunks() {
    assertThat(new String(decode("quoted-printable", "caf=C", "3=A9 au =\r\nlait"), StandardCharsets.UTF_8))
        .isEqualTo("café au lait");
  }

  @Test
  void quotedPrintableDeletesWhiteSpaceTrailingAnEncodedLine() {
    // RFC 2045 section 6.7 rule (3); Dovecot decodes these lines the same way, also the last one.
    String encoded = "hello  \r\nfoo=09bar \t\r\nkeep=20\r\nkeep2=20  \r\nmid  dle\r\nend \t";
    assertThat(ascii(decode("quoted-printable", encoded)))
        .isEqualTo("hello\r\nfoo\tbar\r\nkeep \r\nkeep2 \r\nmid  dle\r\nend");
    assertThat(ascii(decode("quoted-printable", "hello ", " ", "\t\r", "\nlast  ", "word")))
        .isEqualTo("hello\r\nlast  word");
  }

  @Test
  void quotedPrintableEqualsFollowedByTrailingWhiteSpaceIsASoftLineBreak() {
    assertThat(ascii(decode("quoted-printable", "soft = \t\r\nbreak, kept  =\r\nspace")))
        .isEqualTo("soft break, kept  space");
    assertThat(ascii(decode("quoted-printable", "split =", " ", "\r", "\nend")))
        .isEqualTo("split end");
  }

  @Test
  void quotedPrintableKeepsAnEqualsSignThatStartsNoEscape() {
    assertThat(ascii(decode("quoted-printable", "a=4x b= c =", "3D")))
        .isEqualTo("a=4x b= c =");
  }

  @Test
  void quotedPrintableHoldsBackOnlyABoundedRunOfWhiteSpace() {
    String run = " ".repeat(QuotedPrintableDecoder.MAX_HELD_WHITESPACE + 10);
    byte[] out = decode("quoted-printable", run);
    assertThat(out.length).isEqualTo(QuotedPrintableDecoder.MAX_HELD_WHITESPACE);
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void onlyTheEncodingsOfRfc2045AreKnown() {
    assertThat(TransferDecoder.known("base64")).isTrue();
    assertThat(TransferDecoder.known("7bit")).isTrue();
    assertThat(TransferDecoder.known("x-uuencode")).isFalse();
  }
}
