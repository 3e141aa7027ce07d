package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * mailgate as its users run it: a separate process started by the {@code ./mailgate} launcher (its
 * JVM flags included) with a config that puts the proxy tier in front of the bench Dovecot and
 * smtp-sink, plaintext to the backends like nginx, and the bench certificate on its TLS listeners.
 */
public final class MailgateProcess implements AutoCloseable {

  /** Its listeners. */
  public record Ports(int imap, int imaps, int pop3, int pop3s, int smtp) {}

  private final ProcessBuilder command;
  private final Path log;
  private final Ports ports;
  private Process process;

  private MailgateProcess(ProcessBuilder command, Path log, Ports ports) {
    this.command = command;
    this.log = log;
    this.ports = ports;
  }

  /**
   * @param launcher the {@code mailgate} script at the repository root
   * @param javaOpts JVM options for the launcher (MAILGATE_JAVA_OPTS); null keeps its defaults
   */
  public static MailgateProcess start(Path dir, Path launcher, String javaOpts, BenchPki pki, Dovecot dovecot, SmtpSink sink)
      throws Exception {
    return start(dir, launcher, javaOpts, pki, dovecot, sink, "30s");
  }

  /**
   * {@link #start(Path, Path, String, BenchPki, Dovecot, SmtpSink)} with the Dovecot backend's
   * {@code imap_session_reuse} ({@code 0s}: every IMAP session logs out at Dovecot).
   */
  public static MailgateProcess start(Path dir, Path launcher, String javaOpts, BenchPki pki, Dovecot dovecot,
      SmtpSink sink, String imapSessionReuse) throws Exception {
    Files.createDirectories(dir);
    Ports p = new Ports(Processes.freePort(), Processes.freePort(), Processes.freePort(), Processes.freePort(), Processes.freePort());
    String config = Processes.render("mailgate.yaml", Map.ofEntries(
        Map.entry("DATA", dir.resolve("data").toString()),
        Map.entry("ADMIN_PORT", Integer.toString(Processes.freePort())),
        Map.entry("IMAP", Integer.toString(p.imap())),
        Map.entry("IMAPS", Integer.toString(p.imaps())),
        Map.entry("POP3", Integer.toString(p.pop3())),
        Map.entry("POP3S", Integer.toString(p.pop3s())),
        Map.entry("SMTP", Integer.toString(p.smtp())),
        Map.entry("CERT", pki.certFile().toString()),
        Map.entry("KEY", pki.keyFile().toString()),
        Map.entry("DOVECOT_IMAP", Integer.toString(dovecot.imapPort())),
        Map.entry("DOVECOT_POP3", Integer.toString(dovecot.pop3Port())),
        Map.entry("SINK", Integer.toString(sink.port())),
        Map.entry("IMAP_SESSION_REUSE", imapSessionReuse)));
    Path file = dir.resolve("mailgate.yaml");
    Files.writeString(file, config);
    ProcessBuilder b = new ProcessBuilder(List.of(launcher.toString(), "run", "--config", file.toString()))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("mailgate.log").toFile());
    if (javaOpts != null) {
      b.environment().put("MAILGATE_JAVA_OPTS", javaOpts);
    }
    MailgateProcess m = new MailgateProcess(b, dir.resolve("mailgate.log"), p);
    m.launch();
    return m;
  }

  /** Stops it and starts a fresh process with the same config and ports. */
  public void restart() throws IOException {
    close();
    command.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    launch();
  }

  private void launch() throws IOException {
    process = command.start();
    try {
      for (int port : List.of(ports.imap(), ports.imaps(), ports.pop3(), ports.pop3s(), ports.smtp())) {
        Processes.awaitPort(port, Duration.ofSeconds(180)); // the launcher may build the jar first
      }
    } catch (IOException e) {
      close();
      throw new IOException(e.getMessage() + "; see " + log, e);
    }
  }

  public Ports ports() {
    return ports;
  }

  /** The JVM (the launcher execs it, so it is the process started). */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process != null) {
      Processes.stop(process.pid());
    }
  }
}
