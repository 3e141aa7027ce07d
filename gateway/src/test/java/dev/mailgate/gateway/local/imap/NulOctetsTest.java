package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NulOctetsTest {

  @Test
  void aBufferWithoutNulIsPassedOnAsItIs() {
    ByteBuffer b = ByteBuffer.wrap("plain text\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(NulOctets.replaced(b)).isSameAs(b);
  }

  @Test
  void everyNulBetweenPositionAndLimitBecomes0x80AndTheSourceIsLeftAlone() {
    byte[] source = {0, 'a', 0, 0, 'b', 0, 'c', 0};
    ByteBuffer b = ByteBuffer.wrap(source, 1, 6).asReadOnlyBuffer();
    ByteBuffer out = NulOctets.replaced(b);
    byte[] got = new byte[out.remaining()];
    out.get(got);
    assertThat(got).containsExactly('a', 0x80, 0x80, 'b', 0x80, 'c');
    assertThat(b.position()).isEqualTo(1);
    assertThat(source).containsExactly(0, 'a', 0, 0, 'b', 0, 'c', 0);
  }

  @Test
  void anArrayIsReplacedInPlace() {
    assertThat(NulOctets.replaced(new byte[] {'x', 0, 'y'})).containsExactly('x', 0x80, 'y');
  }
}
