package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many clients at once from many source addresses (127.1.0.1 ... across 127.0.0.0/8): every one is
 * greeted, the heap per open session is recorded, and when they all go the server's buffers are
 * returned and a fresh client is served. Per-IP connection limits are not enforced by the
 * listeners yet (the policy engine's connection leases are not wired), so this proves capacity and
 * cleanup, not the limits; 2,000 sessions, not 100,000, to fit a 2-core CI machine.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class ManyConnectionsTest {
  private static final int SOURCES = 200;
  private static final long MAX_HEAP_PER_SESSION = 256 * 1024;
  private final RunningGateway gw;

  ManyConnectionsTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtp", "imap"})
  @Case(on = "smtp, imap", input = "2,000 simultaneous connections from 200 source addresses in 127.1.0.0/16",
      expect = "all greeted; heap per session (both ends, in one JVM) < 256 KB; after they close, Netty buffers back to within 2 MB (1 KB per session) and a fresh client is served")
  void twoThousandClientsFromManyAddressesAreServedAndCleanedUp(String listener, Observed seen) throws Exception {
    int n = 2000;
    int port = gw.port(listener);
    long heapBefore = heapAfterGc();
    long buffersBefore = ImapBadInputTest.usedMemory();
    List<Wire> open = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        int s = i % SOURCES;
        open.add(Wire.connect(InetAddress.getByName("127.1." + (s / 250) + "." + (s % 250 + 1)), port));
      }
      for (Wire w : open) {
        w.expect("(220|\\* OK) .*");
      }
      long perSession = (heapAfterGc() - heapBefore) / n;
      seen.saw(n + " greeted; heap " + perSession / 1024 + " KB per session (client and server side)");
      assertThat(perSession).isLessThan(MAX_HEAP_PER_SESSION);
    } finally {
      open.forEach(Wire::close);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> ImapBadInputTest.usedMemory() - buffersBefore < (2 << 20));
    seen.saw("buffers after close: " + (ImapBadInputTest.usedMemory() - buffersBefore) / 1024 + " KB over the start");
    try (Wire fresh = Wire.connect(port)) {
      fresh.expect("(220|\\* OK) .*");
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
