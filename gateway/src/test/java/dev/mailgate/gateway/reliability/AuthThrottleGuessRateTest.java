package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.policy.limit.AuthThrottleSettings;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many password guesses an attacker gets through the default authentication throttle
 * ({@link AuthThrottleSettings#DEFAULT}: 2 s doubling to 15 s per distinct failure, a (user,
 * address) pair locked out after 10), against the local tier over real sockets. Three attackers run
 * for 20 s each, one after another (at once they would mostly measure the shared Argon2id
 * verifier), each against its own user and counted by its login mechanism in
 * {@code mailgate_logins_total}: a guess "checked" is a login whose password was verified
 * (outcome {@code failure}); one refused by the lockout never reached the password check
 * ({@code refused}).
 *
 * <ul>
 *   <li>A: one address, one connection, guesses one after another (IMAP LOGIN);
 *   <li>B: one address, {@value #PARALLEL} connections guessing in parallel (IMAP AUTHENTICATE PLAIN);
 *   <li>C: {@value #SPREAD} addresses of 127.0.0.0/8, one connection each (POP3 USER/PASS).
 * </ul>
 *
 * <p>The rates are measured, not asserted; what is asserted is the policy's bound from its
 * counters: from one address no more than {@code lockout_after} guesses are checked, however many
 * connections guess in parallel (a check in flight holds one of the pair's lockout slots;
 * {@link AuthLockoutParallelGuessesTest} proves the bound is reached exactly on IMAP, POP3 and
 * SMTP), and a spread attack slows the user without locking them out (the real user still logs
 * in).
 */
@ExtendWith(ReliabilityReport.class)
class AuthThrottleGuessRateTest {
  /** Each attacker's window; they run one after another so that they do not share the verifier. */
  private static final Duration WINDOW = Duration.ofSeconds(20);
  static final int PARALLEL = 10;
  static final int SPREAD = 20;
  private static final String PASSWORD = "Throttle-real-pw";
  private static final String A = "victim-a@example.test";
  private static final String B = "victim-b@example.test";
  private static final String C = "victim-c@example.test";

  @TempDir Path dir;

  @Test
  @Case(on = "imap, pop3 (local tier, default auth_failures)",
      input = "20 s of wrong passwords each, one after another: A one address sequential; B one address 10 parallel "
          + "connections; C 20 addresses one connection each; one user per attacker",
      expect = "guesses checked from one address <= lockout_after (10), sequential or in parallel; "
          + "a spread attack slows the user but never locks the real user out")
  void guessesPerMinuteThroughTheAuthThrottle(Observed seen) throws Exception {
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, "server: { hostname: localhost, data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: imap, protocol: imap, bind: \"127.0.0.1:0\", tls: none }\n"
        + "  - { name: pop3, protocol: pop3, bind: \"127.0.0.1:0\", tls: none }\n"
        + "routes:\n  - { name: everyone-local, target: local }\n");
    try (MailgateApp app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2),
        false), ProtocolHandlers.standard())) {
      for (String u : List.of(A, B, C)) {
        app.context().users().add(u, PASSWORD.toCharArray()).block(Duration.ofSeconds(60));
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> app.context().store().quota(C).block(Duration.ofSeconds(5)) != null);
      int imap = port(app, "imap");
      int pop3 = port(app, "pop3");
      AtomicInteger guess = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL + SPREAD);
      try {
        long a = System.nanoTime() + WINDOW.toNanos();
        run(pool, 1, i -> imapGuesses(InetAddress.getByName("127.0.3.1"), imap, A, false, a, guess));
        long b = System.nanoTime() + WINDOW.toNanos();
        run(pool, PARALLEL, i -> imapGuesses(InetAddress.getByName("127.0.3.2"), imap, B, true, b, guess));
        long c = System.nanoTime() + WINDOW.toNanos();
        run(pool, SPREAD, i -> pop3Guesses(InetAddress.getByName("127.0.4." + (i + 1)), pop3, C, c, guess));
      } finally {
        pool.shutdownNow();
      }
      long checkedA = count(app, "imap", "login", "failure");
      long refusedA = count(app, "imap", "login", "refused");
      long checkedB = count(app, "imap", "plain", "failure");
      long refusedB = count(app, "imap", "plain", "refused");
      long checkedC = count(app, "pop3", "user", "failure");
      long refusedC = count(app, "pop3", "user", "refused");
      long s = WINDOW.toSeconds();
      seen.saw("A (1 address, sequential): " + checkedA + " guesses checked in the first " + s + " s, " + refusedA
          + " refused");
      seen.saw("B (1 address, " + PARALLEL + " parallel): " + checkedB + " checked in " + s + " s, " + refusedB
          + " refused by the lockout");
      seen.saw("C (" + SPREAD + " addresses, 1 user): " + checkedC + " checked in " + s + " s, " + refusedC + " refused");

      int lockout = AuthThrottleSettings.DEFAULT.lockoutAfter();
      assertThat(checkedA).as("one address, one connection: at most lockout_after").isBetween(1L, (long) lockout);
      assertThat(checkedB).as("one address in parallel: still at most lockout_after")
          .isBetween(1L, (long) lockout);
      assertThat(checkedC).as("a spread attack is slowed, not stopped").isPositive();
      assertThat(refusedC).as("no address of the spread attack reached the lockout").isZero();

      // the spread attack did not lock the real user out: their login waits at most max_delay
      try (Wire real = Wire.connect(port(app, "pop3")).timeout(120_000)) {
        real.expect("\\+OK.*");
        real.line("USER " + C).expect("\\+OK.*");
        seen.saw("real user C afterwards: " + real.line("PASS " + PASSWORD).expect("\\+OK.*"));
      }
    }
  }

  private interface Attacker {
    Void run(int index) throws Exception;
  }

  /** Runs {@code n} attackers in parallel until each passed its deadline and got its last answer. */
  private static void run(ExecutorService pool, int n, Attacker attacker) throws Exception {
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      running.add(pool.submit(() -> attacker.run(index)));
    }
    for (Future<Void> f : running) {
      f.get();
    }
  }

  private static int port(MailgateApp app, String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  private static long count(MailgateApp app, String protocol, String mechanism, String outcome) {
    Counter c = app.context().metrics().registry().find("mailgate.logins")
        .tags("protocol", protocol, "mechanism", mechanism, "outcome", outcome).counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Guesses until the deadline, reconnecting when the session closes (its error limit). */
  private static Void imapGuesses(InetAddress source, int port, String user, boolean sasl, long deadline,
      AtomicInteger guess) {
    while (System.nanoTime() < deadline) {
      try (Wire w = Wire.connect(source, port).timeout(120_000)) {
        w.expect("\\* OK .*");
        while (System.nanoTime() < deadline) {
          String password = "guess-" + guess.incrementAndGet();
          if (sasl) {
            String ir = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            w.line("g AUTHENTICATE PLAIN " + ir);
          } else {
            w.line("g LOGIN " + user + " " + password);
          }
          String reply = w.expectEventually("g .*|\\* BYE.*", 5);
          assertThat(reply).doesNotStartWith("g OK");
          if (reply.startsWith("* BYE")) {
            break;
          }
        }
      } catch (AssertionError | RuntimeException closed) {
        if (closed instanceof AssertionError a && String.valueOf(a.getMessage()).contains("g OK")) {
          throw a;
        }
        // the server closed the session (too many errors): reconnect
      }
    }
    return null;
  }

  private static Void pop3Guesses(InetAddress source, int port, String user, long deadline, AtomicInteger guess) {
    while (System.nanoTime() < deadline) {
      try (Wire w = Wire.connect(source, port).timeout(120_000)) {
        w.expect("\\+OK.*");
        while (System.nanoTime() < deadline) {
          w.line("USER " + user).expect("\\+OK.*");
          String reply = w.line("PASS guess-" + guess.incrementAndGet()).readLine();
          assertThat(reply).startsWith("-ERR");
        }
      } catch (AssertionError | RuntimeException closed) {
        if (closed instanceof AssertionError a && String.valueOf(a.getMessage()).contains("-ERR")) {
          throw a;
        }
        // closed after too many errors: reconnect
      }
    }
    return null;
  }
}
