package dev.mailgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real SIGTERM to a child JVM with sessions open: it drains them and exits 0. */
class DrainOnSigtermTest {

  @Test
  void sigtermDrainsOpenSessionsAndExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                DrainOnSigtermMain.class.getName())
            .redirectErrorStream(true)
            .start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
        if (line.startsWith("ready ")) {
          assertThat(line).isEqualTo("ready SIGNAL_HANDLER");
          // SIGTERM on Linux; Process.destroy() would also close our end of its output
          p.toHandle().destroy();
        }
      }
    } finally {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }

    assertThat(p.exitValue()).as("exit status, output: %s", out).isZero();
    String all = String.join("\n", out);
    assertThat(all)
        .contains("listeners: stopped accepting")
        .contains("imap: * BYE [UNAVAILABLE] shutting down")
        .contains("smtp: 250 2.0.0 queued, then 421 4.3.2 shutting down")
        .contains("drain: done, 2 sessions asked, 0 closed at the timeout");
    assertThat(all.indexOf("listeners: stopped accepting")).isLessThan(all.indexOf("imap: * BYE"));
  }
}
