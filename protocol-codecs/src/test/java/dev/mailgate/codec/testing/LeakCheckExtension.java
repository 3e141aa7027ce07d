package dev.mailgate.codec.testing;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's leak reports into test failures. PARANOID detection (set in the parent pom) only
 * logs a leak when the leaked buffer is garbage collected, which a passing build never reads; this
 * extension (registered for every test class by JUnit's extension auto-detection) records each
 * report and fails the test class in which it surfaced.
 *
 * <p>A leak is noticed only after a GC and the next buffer allocation, so after each class this
 * forces a few GCs and allocations. A leak from an earlier class can surface in a later one; the
 * report names the allocation and access points either way.
 */
public final class LeakCheckExtension implements AfterAllCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> found = collectLeaks();
    if (!found.isEmpty()) {
      throw new AssertionError(
          found.size() + " ByteBuf leak(s) reported while running " + context.getDisplayName()
              + ":\n" + String.join("\n", found));
    }
  }

  /** Forces the detector to look, then returns (and forgets) the leaks reported so far. */
  static List<String> collectLeaks() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      // Allocations poll the detector's reference queue, which is what reports a leak.
      PooledByteBufAllocator.DEFAULT.buffer(16).release();
      Unpooled.buffer(16).release();
    }
    synchronized (LEAKS) {
      List<String> found = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return found;
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          super.reportTracedLeak(resourceType, records);
          record(resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          super.reportUntracedLeak(resourceType);
          record(resourceType + " (untraced)");
        }
      };
    }

    private static void record(String leak) {
      synchronized (LEAKS) {
        LEAKS.add(leak);
      }
    }
  }
}
