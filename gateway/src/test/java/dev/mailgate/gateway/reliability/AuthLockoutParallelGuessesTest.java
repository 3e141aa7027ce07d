package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
import io.micrometer.core.instrument.Counter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lockout of a (user, address) pair is exact however many connections guess at once: with
 * {@code lockout_after: 5} and delays of a few milliseconds (so the guesses really overlap),
 * {@value #PARALLEL} connections from one address each send {@value #GUESSES} distinct wrong
 * passwords, and exactly 5 of them are checked ({@code mailgate_logins_total} outcome
 * {@code failure}); every other one is refused unchecked ({@code refused}), on the local tier's
 * IMAP, POP3 and SMTP submission, over real sockets. The same user from another address still
 * logs in: the lockout holds only the guessing address.
 */
@ExtendWith(ReliabilityReport.class)
class AuthLockoutParallelGuessesTest {
  static final int PARALLEL = 10;
  static final int GUESSES = 4;
  static final int LOCKOUT_AFTER = 5;
  private static final String PASSWORD = "Lockout-real-pw";

  @TempDir static Path dir;
  static MailgateApp app;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, "server: { hostname: localhost, data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: imap, protocol: imap, bind: \"127.0.0.1:0\", tls: none }\n"
        + "  - { name: pop3, protocol: pop3, bind: \"127.0.0.1:0\", tls: none }\n"
        + "  - { name: submission, protocol: submission, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "routes:\n  - { name: everyone-local, target: local }\n"
        + "policies:\n"
        + "  auth_failures: { initial_delay: 1ms, max_delay: 4ms, lockout_after: " + LOCKOUT_AFTER
        + ", lockout_for: 15m }\n");
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
        ProtocolHandlers.standard());
    for (String u : List.of("imap-victim@example.test", "pop3-victim@example.test", "smtp-victim@example.test")) {
      app.context().users().add(u, PASSWORD.toCharArray()).block(Duration.ofSeconds(60));
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> app.context().store().quota("smtp-victim@example.test").block(Duration.ofSeconds(5)) != null);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Case(on = "imap (local tier, LOGIN)",
      input = PARALLEL + " connections from one address, " + GUESSES + " distinct wrong passwords each, overlapping",
      expect = "exactly lockout_after (5) passwords checked, the rest NO [AUTHENTICATIONFAILED] unchecked; "
          + "the user still logs in from another address")
  void imapParallelGuessesGetExactlyLockoutAfterPasswordsChecked(Observed seen) throws Exception {
    String user = "imap-victim@example.test";
    int answered = guessInParallel("127.0.5.1", (w, password) -> {
      w.line("g LOGIN " + user + " " + password);
      return w.expectEventually("g .*|\\* BYE.*", 5);
    }, w -> w.expect("\\* OK .*"), "g NO .*");
    assertExact(seen, "imap", "login", answered);
    try (Wire real = Wire.connect(InetAddress.getByName("127.0.5.9"), port("imap")).timeout(60_000)) {
      real.expect("\\* OK .*");
      real.line("r LOGIN " + user + " " + PASSWORD);
      assertThat(real.expectEventually("r .*", 5)).startsWith("r OK");
    }
  }

  @Test
  @Case(on = "pop3 (local tier, USER/PASS)",
      input = PARALLEL + " connections from one address, " + GUESSES + " distinct wrong passwords each, overlapping",
      expect = "exactly lockout_after (5) passwords checked, the rest -ERR [AUTH] unchecked; "
          + "the user still logs in from another address")
  void pop3ParallelGuessesGetExactlyLockoutAfterPasswordsChecked(Observed seen) throws Exception {
    String user = "pop3-victim@example.test";
    int answered = guessInParallel("127.0.5.2", (w, password) -> {
      w.line("USER " + user).expect("\\+OK.*");
      return w.line("PASS " + password).readLine();
    }, w -> w.expect("\\+OK.*"), "-ERR .*");
    assertExact(seen, "pop3", "user", answered);
    try (Wire real = Wire.connect(InetAddress.getByName("127.0.5.9"), port("pop3")).timeout(60_000)) {
      real.expect("\\+OK.*");
      real.line("USER " + user).expect("\\+OK.*");
      real.line("PASS " + PASSWORD).expect("\\+OK.*");
    }
  }

  @Test
  @Case(on = "submission (local tier, AUTH PLAIN)",
      input = PARALLEL + " connections from one address, " + GUESSES + " distinct wrong passwords each, overlapping",
      expect = "exactly lockout_after (5) passwords checked, the rest 535 5.7.8 unchecked; "
          + "the user still logs in from another address")
  void smtpParallelGuessesGetExactlyLockoutAfterPasswordsChecked(Observed seen) throws Exception {
    String user = "smtp-victim@example.test";
    int answered = guessInParallel("127.0.5.3", (w, password) ->
        w.line("AUTH PLAIN " + plain(user, password)).smtpReply(),
        w -> {
          w.expectReply("220 .*");
          w.line("EHLO guesser.test").expectReply("250.*");
        }, "535 .*");
    assertExact(seen, "submission", "plain", answered);
    try (Wire real = Wire.connect(InetAddress.getByName("127.0.5.9"), port("submission")).timeout(60_000)) {
      real.expectReply("220 .*");
      real.line("EHLO real.test").expectReply("250.*");
      real.line("AUTH PLAIN " + plain(user, PASSWORD)).expectReply("235 .*");
    }
  }

  private void assertExact(Observed seen, String protocol, String mechanism, int answered) {
    long checked = count(protocol, mechanism, "failure");
    long refused = count(protocol, mechanism, "refused");
    seen.saw(protocol + ": " + answered + " guesses answered, " + checked + " checked, " + refused
        + " refused unchecked");
    assertThat(answered).as("every guess was answered as a failure").isEqualTo(PARALLEL * GUESSES);
    assertThat(checked).as("passwords checked from one address in parallel").isEqualTo(LOCKOUT_AFTER);
    assertThat(refused).isEqualTo(PARALLEL * GUESSES - LOCKOUT_AFTER);
  }

  private interface Guess {
    String send(Wire w, String password);
  }

  private interface Greeting {
    void expect(Wire w);
  }

  /**
   * {@value #PARALLEL} guessers from {@code source}, started together, each sending
   * {@value #GUESSES} distinct passwords one after another on its connection (reconnecting when
   * the server ends a session for its errors); returns the answers matching {@code failure}.
   */
  private int guessInParallel(String source, Guess guess, Greeting greeting, String failure) throws Exception {
    int port = port(source.endsWith(".1") ? "imap" : source.endsWith(".2") ? "pop3" : "submission");
    InetAddress from = InetAddress.getByName(source);
    AtomicInteger password = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < PARALLEL; t++) {
        all.add(pool.submit(() -> {
          go.await();
          int left = GUESSES;
          while (left > 0) {
            try (Wire w = Wire.connect(from, port).timeout(60_000)) {
              greeting.expect(w);
              while (left > 0) {
                String reply = guess.send(w, "guess-" + password.incrementAndGet());
                left--;
                if (reply.matches(failure)) {
                  answered.incrementAndGet();
                } else {
                  break; // the session ended (too many errors): reconnect for the rest
                }
              }
            } catch (RuntimeException closed) {
              // closed by the server between two guesses: reconnect
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return answered.get();
  }

  private static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static int port(String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  private static long count(String protocol, String mechanism, String outcome) {
    Counter c = app.context().metrics().registry().find("mailgate.logins")
        .tags("protocol", protocol, "mechanism", mechanism, "outcome", outcome).counter();
    return c == null ? 0 : (long) c.count();
  }
}
