package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The APPEND pipe holds back the session while the store is slow and never loses a chunk. */
class ChunkPipeTest {
  @Test
  void pushWaitsForTheConsumerAndEveryChunkArrivesInOrder() {
    ChunkPipe pipe = new ChunkPipe();
    List<Integer> got = new ArrayList<>();
    StepVerifier.create(pipe.flux().map(b -> (int) b.get(0)), 0)
        .then(() -> {
          assertThat(pipe.push(chunk(1)).block(Duration.ofSeconds(1))).isNull();
          // AHEAD chunks may wait; the next push must not complete before demand.
          Mono<Void> second = pipe.push(chunk(2)).cache();
          second.subscribe();
          assertThat(second.toFuture()).isNotDone();
        })
        .thenRequest(1)
        .assertNext(got::add)
        .thenRequest(1)
        .assertNext(got::add)
        .then(pipe::complete)
        .verifyComplete();
    assertThat(got).containsExactly(1, 2);
  }

  @Test
  void afterKillPushesCompleteAtOnce() {
    ChunkPipe pipe = new ChunkPipe();
    pipe.kill();
    StepVerifier.create(pipe.push(chunk(1))).verifyComplete();
  }

  private static ByteBuffer chunk(int v) {
    return ByteBuffer.wrap(new byte[] {(byte) v});
  }
}
