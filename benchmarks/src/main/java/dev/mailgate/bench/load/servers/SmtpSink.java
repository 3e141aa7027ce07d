package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The SMTP backend: Postfix's {@code smtp-sink}, which accepts every message and throws it away, so
 * the SMTP figures measure the relay and not a queue's disk writes.
 */
public final class SmtpSink implements AutoCloseable {

  private final Process process;
  private final int port;

  private SmtpSink(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static SmtpSink start(Path dir, int backlog) throws IOException {
    int port = Processes.freePort();
    // -u: it runs as root here and must drop to an unprivileged user after binding
    Process p = new ProcessBuilder(List.of("/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.1:" + port, Integer.toString(backlog)))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("smtp-sink.out").toFile())
        .start();
    SmtpSink sink = new SmtpSink(p, port);
    try {
      Processes.awaitPort(port, Duration.ofSeconds(10));
    } catch (IOException e) {
      sink.close();
      throw e;
    }
    return sink;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process.pid());
  }
}
