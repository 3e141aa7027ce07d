package dev.mailgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailgate run} in a child JVM, driven by real signals: SIGHUP reloads the file and binds a
 * new listener, SIGTERM drains and exits 0.
 */
class RunSignalsTest {

  @TempDir Path dir;

  private Path config(String listeners) throws Exception {
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, "server: { data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { bind: \"127.0.0.1:0\" }\n"
        + "listeners:\n" + listeners);
    return f;
  }

  /** The child's threads (jcmd), to see where a reload that never happened is stuck. */
  private static String threadDump(Process p) {
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(p.pid()), "Thread.print").redirectErrorStream(true).start();
      String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return dump;
    } catch (Exception e) {
      return "(no thread dump: " + e + ")";
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void sighupReloadsTheFileAndSigtermDrainsAndExitsZero() throws Exception {
    int imap = FreePorts.one();
    int pop3 = FreePorts.one();
    Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // env --default-signal=HUP: a test run started under nohup would hand its ignored SIGHUP down,
    // and the JVM never handles a signal that was ignored when it started.
    Process p = new ProcessBuilder("env", "--default-signal=HUP", java, "-cp", System.getProperty("java.class.path"),
        MailgateCommand.class.getName(), "run", "--config", f.toString(), "--no-watch", "--drain-timeout", "PT5S")
        .redirectErrorStream(true)
        .start();
    List<String> out = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          out.add(line);
        }
      } catch (Exception e) {
        // the process ended
      }
    });
    reader.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> out.contains("mailgate: ready"));
      assertThat(accepts(imap)).isTrue();
      String admin = out.stream().filter(l -> l.startsWith("admin: ")).findFirst().orElseThrow();
      Matcher m = Pattern.compile(":(\\d+)/").matcher(admin);
      assertThat(m.find()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n"
          + "  - { name: pop3, protocol: pop3, bind: \"127.0.0.1:" + pop3 + "\", tls: none }\n");
      assertThat(accepts(pop3)).isFalse();
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
      assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
      try {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> accepts(pop3));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("no pop3 listener after SIGHUP; alive=" + p.isAlive() + ", kill exit "
            + hup.exitValue() + ", output:\n" + String.join("\n", out) + "\nthreads:\n" + threadDump(p), e);
      }
      assertThat(accepts(imap)).isTrue();

      p.toHandle().destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);
      String all = String.join("\n", out);
      assertThat(p.exitValue()).as(all).isZero();
      assertThat(all).contains("SIGHUP: configuration reloaded").contains("SIGTERM: draining").contains("drain: done");
    } finally {
      p.destroyForcibly();
    }
  }
}
