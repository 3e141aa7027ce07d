package dev.mailgate.codec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {

  @Test
  void anUnreleasedBufferIsReportedAsALeak() {
    LeakCheckExtension.collectLeaks(); // start clean
    leakOne();
    assertThat(LeakCheckExtension.collectLeaks()).anySatisfy(l -> assertThat(l).contains("ByteBuf"));
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
