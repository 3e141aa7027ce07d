package dev.mailgate.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteFailurePromiseTest {

  final AtomicInteger failures = new AtomicInteger();

  static ByteBuf bytes() {
    return Unpooled.copiedBuffer(new byte[] {'a', '\r', '\n'});
  }

  @Test
  void writesThatSucceedRunNothingAndOneInstanceServesThemAll() {
    EmbeddedChannel ch = new EmbeddedChannel();
    WriteFailurePromise p = new WriteFailurePromise(ch, failures::incrementAndGet);
    ch.write(bytes(), p);
    ch.write(bytes(), p);
    ch.flush();
    assertThat(failures).hasValue(0);
    assertThat(p.isDone()).isFalse();
    for (int i = 0; i < 2; i++) {
      ByteBuf out = ch.readOutbound();
      assertThat(out.readableBytes()).isEqualTo(3);
      out.release();
    }
    ch.finishAndReleaseAll();
  }

  @Test
  void eachWriteToAClosedChannelRunsTheFailureActionAndIsReleased() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.close();
    WriteFailurePromise p = new WriteFailurePromise(ch, failures::incrementAndGet);
    ByteBuf a = bytes();
    ByteBuf b = bytes();
    ch.write(a, p);
    ch.write(b, p);
    assertThat(failures).hasValue(2);
    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
  }

  @Test
  void aWriteQueuedInTlsThatFailsAtTheCloseStillRunsTheFailureAction() throws Exception {
    // SslHandler passes a failure on only to a promise that is not void: this one must not say it is.
    EmbeddedChannel ch = new EmbeddedChannel(SslContextBuilder.forClient()
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build().newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
    WriteFailurePromise p = new WriteFailurePromise(ch, failures::incrementAndGet);
    ch.writeAndFlush(bytes(), p); // held until a handshake that never comes
    assertThat(failures).hasValue(0);
    ch.close();
    ch.runPendingTasks();
    assertThat(failures).hasValue(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aHandlerThatWantsToListenFailsLoudly() {
    EmbeddedChannel ch = new EmbeddedChannel();
    WriteFailurePromise p = new WriteFailurePromise(ch, failures::incrementAndGet);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.addListener(f -> {}))
        .isInstanceOf(UnsupportedOperationException.class);
    ch.finishAndReleaseAll();
  }
}
