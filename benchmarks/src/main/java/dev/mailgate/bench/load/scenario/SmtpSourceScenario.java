package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's {@code smtp-source} as a second, independent SMTP load generator: batches of {@code
 * batch} messages of {@code size} bytes over {@code sessions} parallel sessions, one message per
 * connection (its default, the MX pattern), repeated until the duration is over (smtp-source has
 * no duration of its own). The figure is messages per second of wall time; each batch that prints
 * an error counts one error.
 */
public final class SmtpSourceScenario implements Scenario {

  private static final long TIMEOUT_MINUTES = 5;

  private final int sessions;
  private final int batch;
  private final int size;
  private final Duration duration;

  public SmtpSourceScenario(int sessions, int batch, int size, Duration duration) {
    this.sessions = sessions;
    this.batch = batch;
    this.size = size;
    this.duration = duration;
  }

  @Override
  public Scenario warmUp() {
    return null;
  }

  @Override
  public int port(Target target) {
    return target.smtp();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("smtp-source " + size / 1024 + " KB (" + sessions + " sessions, 1 msg per connection)",
        "msgs/s", false);
  }

  @Override
  public Sample run(Target target) throws IOException, InterruptedException {
    List<String> command = List.of("/usr/sbin/smtp-source", "-s", Integer.toString(sessions), "-m", Integer.toString(batch),
        "-l", Integer.toString(size), "-f", "sender@example.net", "-t", "alice@example.test", "-M", "load.example.net",
        "127.0.0.1:" + port(target));
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    long sent = 0;
    long errors = 0;
    do {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("smtp-source did not finish: " + command);
      }
      sent += batch;
      if (p.exitValue() != 0 || output.contains("error") || output.contains("fatal")) {
        errors++;
      }
    } while (System.nanoTime() < deadline);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Sample(sent / seconds, errors, Percentiles.NONE);
  }
}
