package dev.mailgate.gateway.backend;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.imap.ImapCommandEnds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The relay's pacing on its own, with permits the test grants: a command's end goes out only after
 * its permit, the bytes before it at once, the bytes after it with it; the next read is not asked
 * for while a command waits; every buffer is released, on cancel too (PARANOID leak detection).
 */
class CommandPacerTest {

  private final List<ByteBuf> fed = new ArrayList<>();
  private final List<Sinks.Empty<Void>> permits = new ArrayList<>();
  private final List<String> out = new ArrayList<>();
  private final AtomicLong requested = new AtomicLong();
  private final CommandPacer pacer = new CommandPacer(new ImapCommandEnds(), this::permit);

  @BeforeAll
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterEach
  void nothingLeaks() {
    for (ByteBuf b : fed) {
      assertThat(b.refCnt()).as("every read is released").isZero();
    }
  }

  private Mono<Void> permit() {
    Sinks.Empty<Void> s = Sinks.empty();
    permits.add(s);
    return s.asMono();
  }

  private void grant(int n) {
    permits.get(n - 1).tryEmitEmpty();
  }

  private Flux<ByteBuf> reads(String... chunks) {
    List<ByteBuf> bufs = new ArrayList<>();
    for (String c : chunks) {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(c.getBytes(US_ASCII));
      bufs.add(b);
      fed.add(b);
    }
    return Flux.fromIterable(bufs).doOnRequest(requested::addAndGet);
  }

  private Disposable relay(Flux<ByteBuf> in) {
    return pacer.pace(in).subscribe(b -> {
      out.add(b.toString(US_ASCII));
      b.release();
    });
  }

  @Test
  void eachCommandEndGoesOutAfterItsPermitAndThePartialCommandBeforeItAtOnce() {
    relay(reads("a NOOP\r\nb NO", "OP\r\nc NOOP\r\nd "));
    assertThat(out).as("a waits for its permit").isEmpty();
    grant(1);
    assertThat(out).containsExactly("a NOOP\r\n", "b NO");
    grant(2);
    assertThat(out).containsExactly("a NOOP\r\n", "b NO", "OP\r\n");
    grant(3);
    assertThat(out).containsExactly("a NOOP\r\n", "b NO", "OP\r\n", "c NOOP\r\n", "d ");
    assertThat(String.join("", out)).isEqualTo("a NOOP\r\nb NOOP\r\nc NOOP\r\nd ");
  }

  @Test
  void whileACommandWaitsTheNextReadIsNotAskedFor() {
    relay(reads("a NOOP\r\nb NOOP\r\n", "c NOOP\r\n", "d NOOP\r\n"));
    grant(1);
    assertThat(permits).hasSize(2);
    assertThat(requested.get()).as("only the read holding the waiting command").isEqualTo(1);
    grant(2);
    assertThat(requested.get()).isEqualTo(2);
    grant(3);
    grant(4);
    assertThat(out).containsExactly("a NOOP\r\n", "b NOOP\r\n", "c NOOP\r\n", "d NOOP\r\n");
  }

  @Test
  void literalsAndLogoutNeedNoPermit() {
    relay(reads("a APPEND INBOX {8+}\r\nx NOOP\r\n\r\nb LOGOUT\r\n"));
    assertThat(permits).hasSize(1);
    grant(1);
    assertThat(String.join("", out)).isEqualTo("a APPEND INBOX {8+}\r\nx NOOP\r\n\r\nb LOGOUT\r\n");
    assertThat(permits).hasSize(1);
  }

  @Test
  void cancellingWhileACommandWaitsReleasesItsRead() {
    Disposable relay = relay(reads("a NOOP\r\nb NOOP\r\n"));
    grant(1);
    assertThat(out).containsExactly("a NOOP\r\n");
    relay.dispose();
    assertThat(fed.get(0).refCnt()).isZero();
  }
}
