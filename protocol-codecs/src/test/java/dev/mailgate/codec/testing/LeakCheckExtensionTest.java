package dev.mailgate.codec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {

  private static final int MAX_COLLECTIONS = 50;

  @Test
  void anUnreleasedBufferIsReportedAsALeak() {
    LeakCheckExtension.collectLeaks(); // start clean
    leakOne();
    // The GC hands a cleared reference to the detector's queue on its own thread, so on a loaded
    // machine three collections may pass before it arrives: look again, a bounded number of times.
    List<String> leaks = LeakCheckExtension.collectLeaks();
    for (int attempt = 1; leaks.isEmpty() && attempt < MAX_COLLECTIONS; attempt++) {
      leaks = LeakCheckExtension.collectLeaks();
    }
    assertThat(leaks).anySatisfy(l -> assertThat(l).contains("ByteBuf"));
  }

  @Test
  void releasedBuffersAreNotReported() {
    LeakCheckExtension.collectLeaks();
    for (int i = 0; i < 100; i++) {
      PooledByteBufAllocator.DEFAULT.buffer(64).writeInt(i).release();
    }
    assertThat(LeakCheckExtension.collectLeaks()).isEmpty();
  }

  /** Allocates a buffer and drops the only reference without releasing it. */
  private static void leakOne() {
    PooledByteBufAllocator.DEFAULT.buffer(64).writeLong(42);
  }
}
