package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ChannelWritesTest {

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void writesNothingUntilSubscribedThenEveryBufferInOrderAndCompletes() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Mono<Void> write = ChannelWrites.write(ch, ascii("* OK a\r\n"), ascii("a1 OK b\r\n"));
    assertThat((Object) ch.readOutbound()).as("lazy: nothing before subscription").isNull();

    StepVerifier.create(write).verifyComplete();

    ByteBuf first = ch.readOutbound();
    ByteBuf second = ch.readOutbound();
    assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("* OK a\r\n");
    assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("a1 OK b\r\n");
    first.release();
    second.release();
  }

  @Test
  void aWriteToAClosedChannelFailsAndTheBuffersAreReleased() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.close();
    ByteBuf a = ascii("one\r\n");
    ByteBuf b = ascii("two\r\n");

    StepVerifier.create(ChannelWrites.write(ch, a, b)).expectError().verify(Duration.ofSeconds(5));

    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
  }
}
