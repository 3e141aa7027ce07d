package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.testing.Transcript;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads under load lose no session (issue 4 item 4): while IMAP sessions run commands and SMTP
 * clients deliver, the configuration is reloaded again and again (a listener added and removed, the
 * IMAP listener's limits changed). Every IMAP session keeps answering to its LOGOUT, every message
 * gets its 250, and every acknowledged message is in the mailbox afterwards.
 */
class ReloadUnderLoadTest {

  private static final int IMAP = 4143;
  private static final int SMTP = 4025;
  private static final int EXTRA = 4110;
  private static final int SESSIONS = 4;
  private static final int RELOADS = 6;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final AtomicInteger ANSWERED = new AtomicInteger();
  private static final AtomicInteger DELIVERED = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void imapSessionsAndSmtpDeliveriesSurviveRepeatedReloads() throws Exception {
    int offset = FreePorts.offsetFor(IMAP, SMTP, EXTRA, 8025);
    Path config = dir.resolve("mailgate.yaml");
    write(config, false, "30m");
    ExecutorService pool = Executors.newFixedThreadPool(SESSIONS + 1);
    try (MailgateApp app = MailgateApp.start(
        new AppOptions(Optional.of(config), Map.of(), offset, Duration.ofSeconds(5), false), ProtocolHandlers.standard())) {
      app.context().users().add("load@example.test", "load-pw-1".toCharArray()).block(TIMEOUT);
      Awaitility.await().atMost(TIMEOUT).untilAsserted(() -> assertThat(app.context().store()
          .mailboxes("load@example.test").collectList().block(TIMEOUT)).isNotEmpty());
      InetSocketAddress imap = new InetSocketAddress("127.0.0.1", IMAP + offset);
      InetSocketAddress smtp = new InetSocketAddress("127.0.0.1", SMTP + offset);

      AtomicBoolean reloading = new AtomicBoolean(true);
      CountDownLatch loggedIn = new CountDownLatch(SESSIONS);
      List<Future<Integer>> sessions = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        sessions.add(pool.submit(() -> imapSession(imap, reloading, loggedIn)));
      }
      Future<Integer> deliveries = pool.submit(() -> deliverWhile(smtp, reloading));
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (Future<Integer> f : sessions) {
          if (f.isDone()) {
            f.get(); // a session that failed before the reloads: its error is the test's
          }
        }
        return loggedIn.getCount() == 0;
      });

      for (int r = 0; r < RELOADS; r++) {
        write(config, r % 2 == 0, r % 2 == 0 ? "45m" : "30m");
        assertThat(app.reload().applied()).as("reload " + r).isTrue();
        // let the sessions and the deliveries make progress on the new configuration
        int noops = ANSWERED.get();
        int messages = DELIVERED.get();
        Awaitility.await().atMost(TIMEOUT)
            .until(() -> ANSWERED.get() >= noops + SESSIONS && DELIVERED.get() > messages);
      }
      reloading.set(false);

      int commands = 0;
      for (Future<Integer> s : sessions) {
        commands += s.get(60, TimeUnit.SECONDS);
      }
      int delivered = deliveries.get(60, TimeUnit.SECONDS);
      assertThat(commands).as("commands answered during the reloads").isGreaterThanOrEqualTo(RELOADS * SESSIONS);
      assertThat(delivered).isPositive();
      try (Transcript.Client c = Transcript.Client.connect(imap, TIMEOUT)) {
        c.run("""
            S: \\* OK .*
            C: a LOGIN load@example.test load-pw-1
            S: a OK .*
            C: b SELECT INBOX
            S*: \\* .*
            S: b OK .*
            C: c LOGOUT
            S: \\* BYE .*
            S: c OK .*
            """);
      }
      long stored = app.context().store().mailboxes("load@example.test")
          .filter(m -> m.name().isInbox()).blockFirst(TIMEOUT).messages();
      assertThat(stored).as("every acknowledged message is stored").isEqualTo(delivered);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A logged-in session issuing NOOPs until the reloads are over; returns how many were answered. */
  private static int imapSession(InetSocketAddress imap, AtomicBoolean reloading, CountDownLatch loggedIn) {
    int answered = 0;
    try (Transcript.Client c = Transcript.Client.connect(imap, TIMEOUT)) {
      c.run("""
          S: \\* OK .*
          C: a LOGIN load@example.test load-pw-1
          S: a OK .*
          """);
      loggedIn.countDown();
      do {
        c.run("""
            C: n NOOP
            S*: \\* .*
            S: n OK .*
            """);
        answered++;
        ANSWERED.incrementAndGet();
      } while (reloading.get());
      c.run("""
          C: z LOGOUT
          S: \\* BYE .*
          S: z OK .*
          """);
    }
    return answered;
  }

  /** Messages delivered one after another until the reloads are over; returns how many got 250. */
  private static int deliverWhile(InetSocketAddress smtp, AtomicBoolean reloading) {
    int delivered = 0;
    do {
      try (Transcript.Client c = Transcript.Client.connect(smtp, TIMEOUT)) {
        c.run("""
            S: 220 .*
            C: HELO loader.example
            S: 250 .*
            C: MAIL FROM:<loader@elsewhere.example>
            S: 250 .*
            C: RCPT TO:<load@example.test>
            S: 250 .*
            C: DATA
            S: 354 .*
            C: Subject: under reload %d
            C:
            C: body
            C: .
            S: 250 .*
            C: QUIT
            S: 221 .*
            """.formatted(delivered));
      }
      delivered++;
      DELIVERED.incrementAndGet();
    } while (reloading.get());
    return delivered;
  }

  private static void write(Path config, boolean extraListener, String imapIdle) throws Exception {
    Path data = config.getParent().resolve("data");
    Files.writeString(config, """
        server: { hostname: reload.example.test, data_dir: "%s" }
        listeners:
          - { name: imap, protocol: imap, bind: "127.0.0.1:%d", tls: none, limits: { idle_timeout: %s } }
          - { name: smtp, protocol: smtp, bind: "127.0.0.1:%d", tls: none }
        %s
        routes:
          - { name: everyone-local, target: local }
        authentication: { mode: verify }
        local: { accepted_domains: [example.test] }
        """.formatted(data, IMAP, imapIdle, SMTP,
        extraListener ? "  - { name: extra, protocol: pop3, bind: \"127.0.0.1:" + EXTRA + "\", tls: none }" : ""));
  }
}
