package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.SubjectTerm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a running mailgate (the real CLI in a child JVM) while clients deliver (issue 8
 * item 3): every message that got its 250 before the kill is there afterwards, in the local store
 * (read back after a restart) and, when relaying, in Dovecot behind Postfix.
 */
@ExtendWith({MailServersExtension.class, ReliabilityReport.class})
class KillDuringDeliveryTest {

  private static final int SMTP = 5025;
  private static final int IMAP = 5143;
  private static final int SENDERS = 3;
  private static final int ACKED_BEFORE_KILL = 20;
  private static final String PASSWORD = "kill-nine-pw";

  @TempDir Path dir;

  @Test
  @Case(on = "smtp local delivery", input = "kill -9 of mailgate while 3 clients deliver, then a restart",
      expect = "every message acknowledged with 250 before the kill is in the mailbox after the restart")
  void killNineDuringLocalDeliveryLosesNoAcknowledgedMessage(Observed seen) throws Exception {
    int offset = FreePorts.offsetFor(SMTP, IMAP, 8025);
    Path config = dir.resolve("local.yaml");
    Files.writeString(config, """
        server: { hostname: kill.example.test, data_dir: "%s" }
        admin: { enabled: false }
        listeners:
          - { name: smtp, protocol: smtp, bind: "127.0.0.1:%d", tls: none }
          - { name: imap, protocol: imap, bind: "127.0.0.1:%d", tls: none }
        routes:
          - { name: everyone-local, target: local }
        authentication: { mode: verify }
        local: { accepted_domains: [example.test] }
        """.formatted(dir.resolve("data"), SMTP, IMAP));
    cli(config, "user", "add", "victim@example.test", "--password-stdin").waitFor(60, TimeUnit.SECONDS);

    Process first = run(config, offset, SMTP, IMAP);
    List<String> acked = deliverAndKill(first, SMTP + offset, "victim@example.test");
    Process second = run(config, offset, SMTP, IMAP);
    try {
      List<String> missing = missing("127.0.0.1", IMAP + offset, "victim@example.test", PASSWORD, acked);
      seen.saw(acked.size() + " acknowledged before the kill, " + missing.size() + " missing after the restart");
      assertThat(missing).isEmpty();
    } finally {
      second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Case(on = "smtp relay -> Postfix", input = "kill -9 of mailgate while 3 clients relay to Postfix",
      expect = "every message acknowledged with 250 before the kill arrives in Dovecot")
  void killNineDuringRelayLosesNoAcknowledgedMessage(MailServers servers, Observed seen) throws Exception {
    int offset = FreePorts.offsetFor(SMTP, 8025);
    Path config = dir.resolve("relay.yaml");
    Files.writeString(config, """
        server: { hostname: kill.example.test, data_dir: "%s" }
        admin: { enabled: false }
        listeners:
          - { name: smtp, protocol: smtp, bind: "127.0.0.1:%d", tls: none }
        backends:
          - { name: postfix, host: 127.0.0.1, ports: { smtp: %d }, tls: starttls, ca_file: "%s" }
        routes:
          - { name: mx, target: "backend:postfix" }
        authentication: { mode: pass_through }
        relay: { accepted_domains: [example.test] }
        """.formatted(dir.resolve("relay-data"), SMTP, servers.smtpPort(), servers.caFile()));
    Process gateway = run(config, offset, SMTP);
    List<String> acked = deliverAndKill(gateway, SMTP + offset, MailServers.BOB.address());
    List<String> missing = new ArrayList<>(acked);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<String> now = missing("127.0.0.1", servers.imapPort(), MailServers.BOB.address(),
          MailServers.BOB.password(), acked);
      missing.retainAll(now);
      assertThat(missing).isEmpty();
    });
    seen.saw(acked.size() + " acknowledged before the kill, " + missing.size() + " missing in Dovecot");
  }

  /** Delivers from several clients until enough were acknowledged, then SIGKILLs the gateway. */
  private static List<String> deliverAndKill(Process gateway, int port, String rcpt) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 0; t < SENDERS; t++) {
      int sender = t;
      senders.add(pool.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          String subject = "kill-" + run + "-" + sender + "-" + i + "-end"; // no subject is part of another
          try {
            if (deliver(port, rcpt, subject)) {
              acked.add(subject);
            }
          } catch (IOException gone) {
            return; // the gateway died under this transaction: not acknowledged
          }
        }
      }));
    }
    Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> acked.size() >= ACKED_BEFORE_KILL);
    gateway.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
    assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    for (Future<?> f : senders) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    return List.copyOf(acked);
  }

  /** One transaction; true only when the final reply to the content is a 250. */
  private static boolean deliver(int port, String rcpt, String subject) throws IOException {
    try (Wire w = Wire.connect(port).timeout(30_000)) {
      w.expectReply("220 .*");
      w.line("EHLO killer.example");
      w.smtpReply();
      w.line("MAIL FROM:<sender@elsewhere.example>");
      w.smtpReply();
      w.line("RCPT TO:<" + rcpt + ">");
      if (!w.smtpReply().startsWith("250")) {
        return false;
      }
      w.line("DATA");
      w.smtpReply();
      w.send("Subject: " + subject + "\r\n\r\n" + ("k".repeat(70) + "\r\n").repeat(100) + ".\r\n");
      return w.smtpReply().startsWith("250");
    } catch (RuntimeException | AssertionError e) {
      throw new IOException(e);
    }
  }

  /** The subjects not found exactly once in the INBOX, over one IMAP session. */
  private static List<String> missing(String host, int port, String user, String password, List<String> subjects)
      throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect(host, port, user, password);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      List<String> missing = new ArrayList<>();
      for (String subject : subjects) {
        if (inbox.search(new SubjectTerm(subject)).length != 1) {
          missing.add(subject);
        }
      }
      inbox.close(false);
      return missing;
    } finally {
      store.close();
    }
  }

  /**
   * Starts mailgate and waits until every listener the test will use accepts: listeners bind one
   * after another, so the SMTP port alone accepting says nothing of the IMAP port (under load the
   * restarted process refused the IMAP check that followed).
   */
  private Process run(Path config, int offset, int... ports) throws Exception {
    Process p = cli(config, "run", "--port-offset", Integer.toString(offset));
    for (int port : ports) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> {
            assertThat(p.isAlive()).as("mailgate exited: see " + dir.resolve("mailgate.log")).isTrue();
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress("127.0.0.1", port + offset), 1000);
              return true;
            }
          });
    }
    return p;
  }

  private Process cli(Path config, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "dev.mailgate.gateway.cli.MailgateCommand"));
    command.addAll(List.of(args));
    command.addAll(List.of("--config", config.toString()));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mailgate.log").toFile()))
        .start();
    if (List.of(args).contains("--password-stdin")) {
      p.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
    }
    return p;
  }
}
