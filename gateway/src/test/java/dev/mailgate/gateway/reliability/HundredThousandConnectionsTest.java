package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The long run of issue 8: {@value #DEFAULT_TOTAL} connections to the SMTP listener from 2,000
 * source addresses across 127.0.0.0/8 (127.2.0.1 ...), in waves of {@value #WAVE} open at once (a
 * process may hold 20,000 descriptors here, and each connection takes two in this JVM), each
 * greeted (every address opens 50 in all, within the default per-address limits of 100 at once and
 * 120 new a minute, had loopback not been exempt from them). Between waves, and at the end, the heap after a GC, the process's resident
 * set and Netty's pooled memory are sampled. Loopback clients are exempt from the per-address
 * limits (docs/configuration.md), so those are observed on the side through a PROXY header: one
 * address opening 110 at once, each answered {@code 220} or {@code 421 4.7.0} (how many of each is
 * recorded; the default limit says 100 and 10).
 *
 * <p>In the default suite (about 40 s here). Alone: {@code mvn -o -q -pl gateway -am test
 * -Dtest=HundredThousandConnectionsTest -Dsurefire.failIfNoSpecifiedTests=false -DskipFuzz=true}
 * ({@code -Dmailgate.connections=N} for another total). A wave is smaller when the process may
 * hold fewer descriptors ({@link #wave()}). It writes its figures to {@code
 * target/reliability/many-connections.txt}; docs/reliability.md
 * quotes the last run. Asserted: every connection greeted, only 220 or 421 on the side check, and
 * memory returning after the run (heap within 64 MB of the start, Netty's pools within 8 MB), and
 * the per-address limit refusing exactly the 10 over it.
 */
@ExtendWith(RunningGateway.Extension.class)
class HundredThousandConnectionsTest {
  static final int DEFAULT_TOTAL = 100_000;
  static final int WAVE = 3_000;
  /** Descriptors kept free for everything else this JVM holds (jars, listeners, the gateway). */
  private static final int SPARE_DESCRIPTORS = 1_000;
  private static final int PER_ADDRESS = 50;
  private final RunningGateway gw;

  HundredThousandConnectionsTest(RunningGateway gw) {
    this.gw = gw;
  }

  @Test
  void aHundredThousandConnectionsFromManyAddressesAreServedWithBoundedMemory() throws Exception {
    int total = Integer.getInteger("mailgate.connections", DEFAULT_TOTAL);
    int port = gw.port("smtp");
    long start = System.nanoTime();
    long heapStart = heapAfterGc();
    long rssStart = rss();
    long nettyStart = ImapBadInputTest.usedMemory();
    long heapPeak = 0;
    long rssPeak = 0;
    int greeted = 0;
    int wave = wave();
    for (int first = 0; first < total; first += wave) {
      List<Wire> open = new ArrayList<>(wave);
      try {
        for (int i = first; i < Math.min(total, first + wave); i++) {
          int a = i / PER_ADDRESS;
          open.add(Wire.connect(InetAddress.getByName("127.2." + (a / 250) + "." + (a % 250 + 1)), port));
        }
        for (Wire w : open) {
          w.expect("220 .*");
          greeted++;
        }
        heapPeak = Math.max(heapPeak, heapAfterGc());
        rssPeak = Math.max(rssPeak, rss());
      } finally {
        open.forEach(Wire::close);
      }
      // the server's ends close asynchronously: wait for them, or the next wave runs out of descriptors
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(() -> gw.app().context().sessions().size() < 100);
    }
    String limit = perAddressLimit();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> ImapBadInputTest.usedMemory() - nettyStart < (8 << 20));
    long heapEnd = heapAfterGc();
    long rssEnd = rss();
    long nettyEnd = ImapBadInputTest.usedMemory();
    String report = String.format(
        "%d connections (%d greeted) from %d addresses in waves of %d, %d s%n"
            + "heap after GC: start %d MB, peak with %d open %d MB (%d KB per open connection, both ends), end %d MB%n"
            + "resident set: start %d MB, peak %d MB, end %d MB%n"
            + "Netty pooled memory after the run: %d KB over the start%n"
            + "per-address limit: %s%n",
        total, greeted, (total + PER_ADDRESS - 1) / PER_ADDRESS, wave, (System.nanoTime() - start) / 1_000_000_000L,
        heapStart >> 20, wave, heapPeak >> 20, (heapPeak - heapStart) / wave / 1024, heapEnd >> 20,
        rssStart >> 20, rssPeak >> 20, rssEnd >> 20, (nettyEnd - nettyStart) / 1024, limit);
    Files.createDirectories(ReliabilityReport.DIR);
    Files.writeString(ReliabilityReport.DIR.resolve("many-connections.txt"), report, StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(greeted).isEqualTo(total);
    assertThat(heapEnd - heapStart).as("heap back after the run").isLessThan(64L << 20);
    assertThat(limit).as("per-address limit").contains(": 100 greeted, 10 got 421 4.7.0");
  }

  /**
   * Connections open at once: {@value #WAVE}, or fewer when this process may hold fewer
   * descriptors (each connection takes two here, the client's and the server's end).
   */
  static int wave() {
    long soft = WAVE * 2L + SPARE_DESCRIPTORS;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
          soft = "unlimited".equals(v) ? soft : Long.parseLong(v);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux or unreadable: assume the full wave fits
    }
    return (int) Math.max(100, Math.min(WAVE, (soft - SPARE_DESCRIPTORS) / 2));
  }

  /**
   * One address opening 110 at once; the default limit (100 per address) should greet 100. Loopback
   * clients are exempt from connection limits (docs/configuration.md), so the address is a
   * documentation one (198.51.100.7) conveyed by a PROXY v1 header through the listener that
   * trusts 127.0.0.2 (the real client address counts).
   */
  private String perAddressLimit() {
    InetAddress balancer = loopback("127.0.0.2");
    int port = gw.port("lb-smtp");
    List<Wire> open = new ArrayList<>();
    int greeted = 0;
    int refused = 0;
    try {
      for (int i = 0; i < 110; i++) {
        open.add(Wire.connect(balancer, port).line("PROXY TCP4 198.51.100.7 127.0.0.1 " + (40000 + i) + " 25"));
      }
      for (Wire w : open) {
        String first = w.readLine();
        if (first.startsWith("220 ")) {
          greeted++;
        } else {
          assertThat(first).startsWith("421 4.7.0");
          refused++;
        }
      }
    } finally {
      open.forEach(Wire::close);
    }
    // before a fix on 2026-12-04 all 110 were greeted (the balancer was counted, and it is exempt)
    return "110 at once from 198.51.100.7 (PROXY header; loopback itself is exempt): " + greeted + " greeted, "
        + refused + " got 421 4.7.0";
  }

  private static InetAddress loopback(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The process's resident set (VmRSS of /proc/self/status), in bytes. */
  private static long rss() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
